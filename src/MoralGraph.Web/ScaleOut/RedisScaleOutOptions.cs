using System.ComponentModel.DataAnnotations;

namespace MoralGraph.Web.ScaleOut;

/// <summary>
/// How the instances share a Redis server (configuration section <c>RedisScaleOutOptions</c>). Redis itself is switched
/// on by the connection string <c>ConnectionStrings:Redis</c> (<c>ConnectionStrings__Redis</c> in the environment);
/// without it none of this is used.
/// </summary>
public sealed class RedisScaleOutOptions
{
    /// <summary>The connection string's name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "Redis";

    /// <summary>
    /// Put before every channel and key the app uses, so deployments sharing one Redis server (staging beside production)
    /// neither hear each other's live messages nor count each other's sign-in failures.
    /// </summary>
    [Required(ErrorMessage = "RedisScaleOutOptions:Prefix is required: the name put before this deployment's Redis channels and keys, e.g. MoralGraph.")]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "RedisScaleOutOptions:Prefix must be 1 to 64 letters, digits, dots, dashes or underscores.")]
    public string Prefix { get; set; } = "MoralGraph";
}
