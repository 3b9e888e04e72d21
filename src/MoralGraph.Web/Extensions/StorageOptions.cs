using System.ComponentModel.DataAnnotations;

namespace MoralGraph.Web.Extensions;

/// <summary>Where the app keeps its event log (configuration section <c>StorageOptions</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The LiteDB file. A relative path is resolved against the app's content root.</summary>
    [Required(ErrorMessage = "StorageOptions:DatabasePath is required: set it to the LiteDB file the app should use, e.g. data/moralgraph.db.")]
    public string DatabasePath { get; set; } = "data/moralgraph.db";
}
