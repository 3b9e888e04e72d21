using Microsoft.Extensions.Localization;
using MoralGraph.Core.Elicitation;

namespace MoralGraph.Web;

/// <summary>Validation problems worded in the participant's language: by code from the resources, else the domain's English.</summary>
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
}
