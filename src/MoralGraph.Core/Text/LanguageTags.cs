namespace MoralGraph.Core.Text;

/// <summary>BCP-47 language tags as MoralGraph compares them: by language, not by region or script.</summary>
public static class LanguageTags
{
    /// <summary>The lower-case primary subtag: <c>es</c> for <c>es-ES</c> or <c>es_MX</c>.</summary>
    public static string Primary(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return tag.Split('-', '_')[0].Trim().ToLowerInvariant();
    }
}
