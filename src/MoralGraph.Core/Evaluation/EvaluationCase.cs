using MoralGraph.Core.Export;
using MoralGraph.Core.TrainingData;

namespace MoralGraph.Core.Evaluation;

/// <summary>One thing a model is asked: a question in one of its contexts, with what the spec says to attend to there.</summary>
/// <param name="QuestionId">The question's id in the spec.</param>
/// <param name="ContextId">The context's id in the spec.</param>
/// <param name="Question">The question's prompt.</param>
/// <param name="Context">The context's text.</param>
/// <param name="Policies">The winning values' attentional policies, numbered from 1 (as in the <c>principles</c> export).</param>
/// <param name="RedLines">The spec's red lines, which apply everywhere.</param>
public sealed record EvaluationCase(
    string QuestionId, string ContextId, string Question, string Context, IReadOnlyList<Principle> Policies, IReadOnlyList<SpecRedLine> RedLines)
{
    /// <summary>What the model is asked: the question, then the context it is asked in.</summary>
    public string Prompt => $"{Question}\n\nContext: {Context}";

    /// <summary>The cases of a spec, in the order of its community values layer: one per question and context with winners.</summary>
    /// <remarks>
    /// Graphs over all questions or all contexts have no single prompt to put to a model, so they give no case; neither does a
    /// context without winners (nothing to attend to was agreed there).
    /// </remarks>
    public static IReadOnlyList<EvaluationCase> From(AlignmentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var document = PrinciplesFormat.Build(spec, spec.ContentHash ?? string.Empty);
        return [.. document.Contexts
            .Where(c => c is { QuestionId: not null, ContextId: not null, Question: not null } && c.Principles.Count > 0)
            .Select(c => new EvaluationCase(c.QuestionId!, c.ContextId!, c.Question!, c.Context ?? c.ContextId!, c.Principles, spec.Layers.RedLines))];
    }
}

/// <summary>A model's answer to one case.</summary>
/// <param name="QuestionId">The case's question.</param>
/// <param name="ContextId">The case's context.</param>
/// <param name="Text">The answer.</param>
/// <param name="Model">The model that answered, when known.</param>
public sealed record ModelResponse(string QuestionId, string ContextId, string Text, string? Model);

/// <summary>The answer to a case, or why there is none.</summary>
/// <param name="Response">The answer; null when the case was not answered.</param>
/// <param name="Reason">Why there is no answer (no line in the responses file, the model call failed).</param>
public sealed record ResponseOutcome(ModelResponse? Response, string? Reason)
{
    /// <summary>An answer.</summary>
    public static ResponseOutcome Answered(ModelResponse response) => new(response, null);

    /// <summary>No answer, and why.</summary>
    public static ResponseOutcome NotAnswered(string reason) => new(null, reason);
}

/// <summary>Whether a response attends to one policy.</summary>
/// <param name="Number">The policy's number in its case (from 1).</param>
/// <param name="Policy">The policy's text.</param>
/// <param name="ValueId">The winning value it comes from.</param>
/// <param name="Attended">True when the response attends to it.</param>
/// <param name="Quote">The words of the response that show it, when the judge gave them.</param>
public sealed record PolicyVerdict(int Number, string Policy, string ValueId, bool Attended, string? Quote);

/// <summary>Whether a response crosses one red line.</summary>
/// <param name="Id">The red line's id.</param>
/// <param name="Statement">What it forbids.</param>
/// <param name="Crossed">True when the response crosses it.</param>
/// <param name="Quote">The words of the response that cross it (required when crossed).</param>
public sealed record RedLineVerdict(string Id, string Statement, bool Crossed, string? Quote);

/// <summary>A judge's complete verdict on one response: every policy of the case and every red line, once each.</summary>
/// <param name="Policies">In policy number order.</param>
/// <param name="RedLines">In the spec's red line order.</param>
public sealed record CaseVerdict(IReadOnlyList<PolicyVerdict> Policies, IReadOnlyList<RedLineVerdict> RedLines);

/// <summary>A verdict, or why there is none (the judge's reply was malformed, or the judge file has no line for the case).</summary>
/// <param name="Verdict">The verdict; null when unjudged.</param>
/// <param name="Reason">Why the case is unjudged.</param>
public sealed record JudgeOutcome(CaseVerdict? Verdict, string? Reason)
{
    /// <summary>A verdict.</summary>
    public static JudgeOutcome Judged(CaseVerdict verdict) => new(verdict, null);

    /// <summary>No verdict, and why; never a guessed one.</summary>
    public static JudgeOutcome Unjudged(string reason) => new(null, reason);
}

/// <summary>Where responses or verdicts came from, recorded in the report so it can be traced and reproduced.</summary>
/// <param name="Kind"><c>file</c> or <c>model</c>.</param>
/// <param name="File">The file's name, for a file.</param>
/// <param name="Sha256">The SHA-256 of the file's bytes, for a file.</param>
/// <param name="Models">The models: the one configured, or those the responses file names.</param>
/// <param name="PromptId">The judge prompt's id, for a model judge.</param>
/// <param name="PromptHash">The judge prompt's hash, for a model judge.</param>
/// <param name="PromptText">The judge prompt itself, for a model judge.</param>
public sealed record EvaluationSource(
    string Kind, string? File, string? Sha256, IReadOnlyList<string> Models, string? PromptId = null, string? PromptHash = null, string? PromptText = null);

/// <summary>Answers cases: a model, or a file of responses another model gave.</summary>
public interface IResponseSource
{
    /// <summary>Where the responses come from.</summary>
    EvaluationSource Source { get; }

    /// <summary>The answer to <paramref name="evaluationCase"/>, or why there is none.</summary>
    Task<ResponseOutcome> GetResponseAsync(EvaluationCase evaluationCase, CancellationToken cancellationToken = default);
}

/// <summary>Judges a response against its case's policies and the red lines: a model, or a file of verdicts.</summary>
public interface IResponseJudge
{
    /// <summary>Where the verdicts come from (with the judge prompt, for a model).</summary>
    EvaluationSource Source { get; }

    /// <summary>The verdict on <paramref name="response"/>, or why there is none.</summary>
    Task<JudgeOutcome> JudgeAsync(EvaluationCase evaluationCase, ModelResponse response, CancellationToken cancellationToken = default);
}
