using System.Security.Claims;
using MoralGraph.Web.Access;
using MoralGraph.Web.Studies;

namespace MoralGraph.Web.Console;

/// <summary>A link of the console's navigation.</summary>
/// <param name="Label">The key of what it says, in the console's strings (<see cref="ConsoleText"/>).</param>
/// <param name="Href">Where it goes.</param>
/// <param name="Icon">Its MudBlazor icon.</param>
/// <param name="ExactMatch">Highlighted only on that exact address (the dashboard, whose address prefixes the others).</param>
public sealed record ConsoleLink(string Label, string Href, string Icon, bool ExactMatch = false);

/// <summary>The console's navigation: the links of the study being looked at, and the install-wide ones the facilitator may open.</summary>
public sealed class ConsoleNavigation(ConsoleAuthorization authorization)
{
    private const string Prefix = "console/";

    /// <summary>
    /// <c>console/access</c> is the install's access page, not a study: a study of that name would have no dashboard,
    /// so the console does not create one.
    /// </summary>
    public const string AccessSegment = "access";

    /// <summary>The study a console address is about (<c>console/{slug}/…</c>), or null for install-wide pages.</summary>
    /// <param name="relativePath">The address relative to the app's base (<c>NavigationManager.ToBaseRelativePath</c>).</param>
    public static string? StudyOf(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = relativePath.Split('?', '#')[0];
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var slug = path[Prefix.Length..].Split('/')[0];
        return slug.Length == 0 || slug == AccessSegment ? null : Uri.UnescapeDataString(slug);
    }

    /// <summary>The links of one study, for anyone who may read it (each page checks its own role).</summary>
    public static IReadOnlyList<ConsoleLink> StudyLinksOf(string slug) =>
    [
        new("Nav.Dashboard", StudyLinks.Dashboard(slug), MudBlazor.Icons.Material.Filled.Insights, ExactMatch: true),
        new("Nav.Moderation", StudyLinks.Moderation(slug), MudBlazor.Icons.Material.Filled.Gavel),
        new("Nav.Settings", StudyLinks.Settings(slug), MudBlazor.Icons.Material.Filled.Tune),
        new("Nav.Audit", StudyLinks.Audit(slug), MudBlazor.Icons.Material.Filled.FactCheck),
        new("Nav.Exports", StudyLinks.Exports(slug), MudBlazor.Icons.Material.Filled.Download),
        new("Nav.Releases", StudyLinks.Releases(slug), MudBlazor.Icons.Material.Filled.NewReleases),
        new("Nav.Evaluate", StudyLinks.Evaluate(slug), MudBlazor.Icons.Material.Filled.Rule),
    ];

    /// <summary>The install-wide links <paramref name="user"/> may open: the studies, and access for owners.</summary>
    public async Task<IReadOnlyList<ConsoleLink>> InstallLinksAsync(ClaimsPrincipal user)
    {
        var links = new List<ConsoleLink> { new("Nav.Studies", StudyLinks.ConsoleHome, MudBlazor.Icons.Material.Filled.ListAlt, ExactMatch: true) };
        if (await authorization.AllowsAsync(user, null, StudyAccess.Owner))
        {
            links.Add(new("Nav.Access", StudyLinks.ConsoleAccess, MudBlazor.Icons.Material.Filled.ManageAccounts));
        }

        return links;
    }
}
