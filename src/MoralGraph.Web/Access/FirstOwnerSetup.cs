using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MoralGraph.Web.Access;

/// <summary>
/// The one-time token that <c>/setup</c> asks for, so a fresh install cannot be claimed by whoever reaches it first:
/// made at start while no account owns the install, printed to the app's own log (as Jupyter and Grafana print
/// theirs), and retired once the first owner exists. Only someone who can read the log (the operator) can use it.
/// In memory only: every start makes a new one, and an install set up with <c>moralgraph facilitator add</c> never
/// has one.
/// </summary>
public sealed class FirstOwnerSetup
{
    private readonly Lock _lock = new();
    private byte[]? _tokenHash;

    /// <summary>The token while setup is open, for printing; null before it was issued and after it was retired.</summary>
    public string? Token { get; private set; }

    /// <summary>Makes this start's token (once; later calls return the same one).</summary>
    public string Issue()
    {
        lock (_lock)
        {
            if (Token is null)
            {
                // 256 random bits: no number of guesses within the throttle gets anywhere near.
                Token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
                _tokenHash = Hash(Token);
            }

            return Token;
        }
    }

    /// <summary>Whether <paramref name="presented"/> is the current token, compared in constant time; false once retired.</summary>
    public bool Matches(string? presented)
    {
        byte[]? expected;
        lock (_lock)
        {
            expected = _tokenHash;
        }

        // Both sides hashed first, so the comparison takes as long whatever the length or first wrong character.
        return expected is not null && presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), expected);
    }

    /// <summary>Forgets the token: the first owner exists, and setup is closed for good.</summary>
    public void Retire()
    {
        lock (_lock)
        {
            Token = null;
            _tokenHash = null;
        }
    }

    /// <summary>
    /// The setup link for each address the server listens on (a wildcard address such as <c>0.0.0.0</c> or
    /// <c>[::]</c> named <c>localhost</c>, which a browser on that machine can open); the path alone when the
    /// addresses are unknown.
    /// </summary>
    public static IReadOnlyList<string> Links(IEnumerable<string> serverAddresses, string token)
    {
        ArgumentNullException.ThrowIfNull(serverAddresses);
        var query = $"{AccountEndpoints.SetupPath}?token={Uri.EscapeDataString(token)}";
        var links = serverAddresses
            .Select(address => BindingAddress.Parse(address))
            .Select(binding => $"{binding.Scheme}://{(IsWildcard(binding.Host) ? "localhost" : binding.Host)}:{binding.Port}{binding.PathBase}{query}")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return links.Count > 0 ? links : [query];
    }

    private static bool IsWildcard(string host) => host is "0.0.0.0" or "[::]" or "::" or "+" or "*";

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
