using Microsoft.Extensions.Localization;
using MudBlazor;

// The namespace is the assembly's root on purpose: IStringLocalizer<ComponentText> then finds Resources/ComponentText.resx.
namespace MoralGraph.Web;

/// <summary>
/// Marker for the words MudBlazor's own components write (a pager's "Next page", an alert's "Close", a table's
/// "Loading…"), on participant and console pages alike: <c>Resources/ComponentText.resx</c> and its translations, keyed
/// by MudBlazor's resource names.
/// </summary>
public sealed class ComponentText;

/// <summary>
/// MudBlazor asks this for its strings whenever the page is not in English (it ships English only): a key with no
/// translation here says so, and MudBlazor falls back to its English.
/// </summary>
/// <param name="localizer">The components' strings.</param>
internal sealed class ComponentTextLocalizer(IStringLocalizer<ComponentText> localizer) : MudLocalizer
{
    public override LocalizedString this[string key] => localizer[key];

    public override LocalizedString this[string key, params object[] arguments] => localizer[key, arguments];
}
