using Microsoft.Extensions.Localization;
using MoralGraph.Core.Text;

// The namespace is the assembly's root on purpose: IStringLocalizer<JourneyText> then finds Resources/JourneyText.resx.
namespace MoralGraph.Web;

/// <summary>Marker for the participant journey's strings (<c>Resources/JourneyText.resx</c>; other languages add JourneyText.{culture}.resx).</summary>
public sealed class JourneyText;

/// <summary>The domain's phrasebook (guided interview, story template) read from the journey's localized resources.</summary>
/// <param name="localizer">The journey's strings.</param>
internal sealed class LocalizedPhrasebook(IStringLocalizer<JourneyText> localizer) : IPhrasebook
{
    public string Phrase(string key, params object?[] arguments)
    {
        var phrase = localizer.Message(key, arguments);
        // A missing key is a bug worth seeing in development, but never a crash in front of a participant.
        return phrase.ResourceNotFound ? key : phrase.Value;
    }
}
