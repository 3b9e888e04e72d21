using System.Security.Cryptography;
using System.Text;

namespace MoralGraph.Core.Participation;

/// <summary>
/// The short code a participant writes down to continue on another device: ten characters of Crockford's
/// base 32 (no I, L, O or U, so nothing is misread), shown as two groups of five. 50 random bits: guessing one
/// of a thousand participants' codes takes ~10^12 tries. Only its hash is stored.
/// </summary>
public static class ResumeCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new random code, e.g. "K7QM3-XPD9A".</summary>
    public static string Generate()
    {
        Span<char> chars = stackalloc char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return $"{chars[..5]}-{chars[5..]}";
    }

    /// <summary>
    /// The code as typed, made canonical: case, spaces and dashes ignored, and the letters people confuse with
    /// digits read as those digits (O→0, I and L→1). Null when it cannot be a code.
    /// </summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null)
        {
            return null;
        }

        var builder = new StringBuilder(10);
        foreach (var c in typed.ToUpperInvariant())
        {
            var read = c switch { 'O' => '0', 'I' or 'L' => '1', _ => c };
            if (Alphabet.Contains(read, StringComparison.Ordinal))
            {
                builder.Append(read);
            }
            else if (!char.IsWhiteSpace(c) && c != '-')
            {
                return null;
            }
        }

        return builder.Length == 10 ? builder.ToString() : null;
    }

    /// <summary>The stored form of a code for <paramref name="studyId"/>: hex SHA-256 of the study and the normalized code.</summary>
    public static string Hash(string studyId, string code)
    {
        var normalized = Normalize(code) ?? throw new ArgumentException("Not a resume code.", nameof(code));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{studyId}\n{normalized}")));
    }
}

/// <summary>Pseudonymous participant ids: random, so nothing about a person can be read from or matched to one.</summary>
public static class ParticipantIds
{
    /// <summary>A new id, e.g. "p-3f9c2a7d1e08b4c6".</summary>
    public static string New() => "p-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
