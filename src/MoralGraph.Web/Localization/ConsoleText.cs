// The namespace is the assembly's root on purpose: IStringLocalizer<ConsoleText> then finds Resources/ConsoleText.resx.
namespace MoralGraph.Web;

/// <summary>
/// Marker for the facilitator console's strings (<c>Resources/ConsoleText.resx</c>, with ConsoleText.{culture}.resx for
/// each other language): the console, sign-in and setup pages. Participant pages read <see cref="JourneyText"/>.
/// </summary>
public sealed class ConsoleText;
