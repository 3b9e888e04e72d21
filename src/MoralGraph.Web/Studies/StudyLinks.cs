namespace MoralGraph.Web.Studies;

/// <summary>The app's URLs for a study, in one place for the pages, the API and the logs.</summary>
public static class StudyLinks
{
    /// <summary>Path of the participant page of a study.</summary>
    public static string Participant(string slug) => $"/s/{Uri.EscapeDataString(slug)}";

    /// <summary>Path of the download of a study's export in <paramref name="format"/>, reconciled with <paramref name="profile"/>.</summary>
    public static string Export(string slug, string format, string profile) =>
        $"/api/studies/{Uri.EscapeDataString(slug)}/export?format={Uri.EscapeDataString(format)}&profile={Uri.EscapeDataString(profile)}";

    /// <summary>The console's list of studies.</summary>
    public const string ConsoleHome = "/console";

    /// <summary>The console's accounts and API keys page.</summary>
    public const string ConsoleAccess = "/console/access";

    /// <summary>Path of a study's live dashboard in the console.</summary>
    public static string Dashboard(string slug) => $"/console/{Uri.EscapeDataString(slug)}";

    /// <summary>Path of a study's moderation page.</summary>
    public static string Moderation(string slug) => $"{Dashboard(slug)}/moderation";

    /// <summary>Path of a study's settings page (definition, phase, announcements).</summary>
    public static string Settings(string slug) => $"{Dashboard(slug)}/settings";

    /// <summary>Path of a study's audit page.</summary>
    public static string Audit(string slug) => $"{Dashboard(slug)}/audit";

    /// <summary>Path of a study's exports page.</summary>
    public static string Exports(string slug) => $"{Dashboard(slug)}/exports";

    /// <summary>The study's releases page.</summary>
    public static string Releases(string slug) => $"{Dashboard(slug)}/releases";

    /// <summary>The study's evaluate page: a model's answers checked against its spec.</summary>
    public static string Evaluate(string slug) => $"{Dashboard(slug)}/evaluate";
}
