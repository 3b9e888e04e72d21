using Microsoft.Extensions.Localization;
using MoralGraph.Core.Access;
using MoralGraph.Core.Elicitation;
using MoralGraph.Web.Console;

namespace MoralGraph.Web;

/// <summary>
/// Problems and refusals worded in the reader's language: by their code from the resources, else the domain's English.
/// Card problems are the journey's (<c>CardProblem.{code}</c>); a study definition's are the console's
/// (<c>StudyProblem.{code}</c>), and so are the refusals of console and access actions (<c>Refusal.{code}</c>).
/// </summary>
internal static class ProblemText
{
    public static string For(IStringLocalizer<JourneyText> localizer, ValidationProblem problem)
    {
        if (problem.Code is { } code && localizer.Message($"CardProblem.{code}", [.. problem.Arguments]) is { ResourceNotFound: false } text)
        {
            return text.Value;
        }

        return problem.Message;
    }

    /// <summary>
    /// A study definition's problem on a console page. A seed value is a card, so its problems are the card's, worded as
    /// participants read them.
    /// </summary>
    public static string For(IStringLocalizer<ConsoleText> text, IStringLocalizer<JourneyText> journeyText, ValidationProblem problem) =>
        Coded(text, "StudyProblem", problem.Code, problem.Arguments) ?? For(journeyText, problem);

    /// <summary>A refused console or access action (<see cref="ConsoleAccessDeniedException"/>, <see cref="AccessChangeRefusedException"/>) on a console page.</summary>
    public static string For(IStringLocalizer text, Exception refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var (code, arguments) = refusal switch
        {
            ConsoleAccessDeniedException denied => (denied.Code, denied.Arguments),
            AccessChangeRefusedException refused => (refused.Code, refused.Arguments),
            _ => (null, []),
        };
        return Coded(text, "Refusal", code, arguments) ?? refusal.Message;
    }

    private static string? Coded(IStringLocalizer text, string prefix, string? code, IReadOnlyList<object> arguments) =>
        code is not null && text.Message($"{prefix}.{code}", [.. arguments]) is { ResourceNotFound: false } message ? message.Value : null;
}
