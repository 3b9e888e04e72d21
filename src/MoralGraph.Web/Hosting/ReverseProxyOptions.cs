using System.ComponentModel.DataAnnotations;
using System.Net;

namespace MoralGraph.Web.Hosting;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the app believes (configuration section
/// <c>ReverseProxyOptions</c>). Loopback is always believed, so a proxy on the same machine needs no setting; anyone
/// else's headers are ignored, since a client that could set them would choose its own address for the sign-in
/// throttle and make plain HTTP look like HTTPS.
/// </summary>
public sealed class ReverseProxyOptions : IValidatableObject
{
    /// <summary>Addresses of proxies on other machines, e.g. <c>10.0.0.5</c>.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks of proxies in CIDR notation, e.g. <c>10.0.0.0/24</c> (a container network, a load balancer's subnet).</summary>
    public IList<string> KnownNetworks { get; } = [];

    /// <summary>The proxies' addresses; call once the options are valid.</summary>
    public IEnumerable<IPAddress> ProxyAddresses() => KnownProxies.Select(address => IPAddress.Parse(address.Trim()));

    /// <summary>The proxies' networks; call once the options are valid.</summary>
    public IEnumerable<IPNetwork> ProxyNetworks() => KnownNetworks.Select(network => IPNetwork.Parse(network.Trim()));

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i]?.Trim(), out _))
            {
                yield return new ValidationResult(
                    $"ReverseProxyOptions:KnownProxies:{i} is '{KnownProxies[i]}', not an IP address (e.g. 10.0.0.5 or fd00::5).", [nameof(KnownProxies)]);
            }
        }

        for (var i = 0; i < KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(KnownNetworks[i]?.Trim(), out _))
            {
                yield return new ValidationResult(
                    $"ReverseProxyOptions:KnownNetworks:{i} is '{KnownNetworks[i]}', not a network in CIDR notation (e.g. 10.0.0.0/24).", [nameof(KnownNetworks)]);
            }
        }
    }
}
