namespace MoralGraph.Web.Studies;

/// <summary>The app's URLs for a study, in one place for the pages, the API and the logs.</summary>
public static class StudyLinks
{
    /// <summary>Path of the participant page of a study.</summary>
    public static string Participant(string slug) => $"/s/{Uri.EscapeDataString(slug)}";

    /// <summary>Path of the download of a study's export in <paramref name="format"/>, reconciled with <paramref name="profile"/>.</summary>
    public static string Export(string slug, string format, string profile) =>
        $"/api/studies/{Uri.EscapeDataString(slug)}/export?format={Uri.EscapeDataString(format)}&profile={Uri.EscapeDataString(profile)}";
}
