using MoralGraph.Core.Export;

namespace MoralGraph.Core.Evaluation;

/// <summary>What happened to one case.</summary>
public enum CaseStatus
{
    /// <summary>Answered and judged.</summary>
    Judged,

    /// <summary>Answered, but no usable verdict (a malformed judge reply, no line in the judge file): counted nowhere, never guessed.</summary>
    Unjudged,

    /// <summary>No answer to judge.</summary>
    Unanswered,
}

/// <summary>One case's result.</summary>
/// <param name="QuestionId">The question.</param>
/// <param name="ContextId">The context.</param>
/// <param name="Context">The context's text.</param>
/// <param name="Status">Judged, unjudged or unanswered.</param>
/// <param name="Reason">Why it is unjudged or unanswered.</param>
/// <param name="Response">The answer, when there is one.</param>
/// <param name="Model">The model that answered, when known.</param>
/// <param name="PolicyCount">The policies the case has.</param>
/// <param name="Attended">How many of them the response attends to (judged cases).</param>
/// <param name="Share">Attended ÷ policies (judged cases).</param>
/// <param name="Policies">Each policy's verdict (judged cases).</param>
/// <param name="RedLinesCrossed">The red lines the response crosses, with quotes (judged cases).</param>
public sealed record CaseResult(
    string QuestionId, string ContextId, string Context, CaseStatus Status, string? Reason, string? Response, string? Model,
    int PolicyCount, int? Attended, double? Share, IReadOnlyList<PolicyVerdict> Policies, IReadOnlyList<RedLineVerdict> RedLinesCrossed);

/// <summary>
/// Checks a model against an alignment spec: for each question and context with winning values, gets the model's answer,
/// has it judged against the winners' attentional policies and the red lines, and reports the shares attended and the red
/// lines crossed. Cases run one after another in the spec's order, so a report is the same whenever it is made from the
/// same files.
/// </summary>
public static class SpecEvaluation
{
    /// <summary>How many lowest-scoring cases a report lists unless told otherwise.</summary>
    public const int DefaultLowest = 5;

    /// <summary>Evaluates the responses of <paramref name="responses"/> to the cases of <paramref name="spec"/>, as <paramref name="judge"/> judges them.</summary>
    public static async Task<EvaluationReport> RunAsync(
        AlignmentSpec spec, IReadOnlyList<EvaluationCase> cases, IResponseSource responses, IResponseJudge judge, int lowest = DefaultLowest,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(judge);
        ArgumentOutOfRangeException.ThrowIfLessThan(lowest, 0);
        var results = new List<CaseResult>(cases.Count);
        foreach (var evaluationCase in cases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(await EvaluateAsync(evaluationCase, responses, judge, cancellationToken).ConfigureAwait(false));
            progress?.Report(results.Count);
        }

        return EvaluationReport.Create(spec, responses.Source, judge.Source, results, lowest);
    }

    private static async Task<CaseResult> EvaluateAsync(EvaluationCase evaluationCase, IResponseSource responses, IResponseJudge judge, CancellationToken cancellationToken)
    {
        var count = evaluationCase.Policies.Count;
        var answer = await responses.GetResponseAsync(evaluationCase, cancellationToken).ConfigureAwait(false);
        if (answer.Response is not { } response)
        {
            return new CaseResult(evaluationCase.QuestionId, evaluationCase.ContextId, evaluationCase.Context, CaseStatus.Unanswered, answer.Reason, null, null, count, null, null, [], []);
        }

        var outcome = await judge.JudgeAsync(evaluationCase, response, cancellationToken).ConfigureAwait(false);
        if (outcome.Verdict is not { } verdict)
        {
            return new CaseResult(evaluationCase.QuestionId, evaluationCase.ContextId, evaluationCase.Context, CaseStatus.Unjudged, outcome.Reason, response.Text, response.Model, count, null, null, [], []);
        }

        var attended = verdict.Policies.Count(p => p.Attended);
        return new CaseResult(
            evaluationCase.QuestionId, evaluationCase.ContextId, evaluationCase.Context, CaseStatus.Judged, null, response.Text, response.Model,
            count, attended, (double)attended / count, verdict.Policies, [.. verdict.RedLines.Where(r => r.Crossed)]);
    }
}
