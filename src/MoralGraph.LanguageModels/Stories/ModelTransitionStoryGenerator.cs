using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Jobs;

namespace MoralGraph.LanguageModels.Stories;

/// <summary>
/// Writes transition stories for a study's voting draw in the background: for each context of each question, the
/// model is shown the question's current values and proposes pairs where one deepens the other, with a story for each
/// direction. Only pairs of two different values it was shown, with both stories non-empty, are kept; their text is
/// made plain and clipped, pairs already written are skipped, and each direction is stored as a
/// <see cref="TransitionStoryWritten"/> with its provenance. The draw then shows them instead of the template story.
/// </summary>
public sealed class ModelTransitionStoryGenerator(ModelCalls calls, StudyRepository studies, IEventLog log, ILogger<ModelTransitionStoryGenerator> logger)
{
    /// <summary>The job kind on the <see cref="ModelJobBoard"/>.</summary>
    public const string JobKind = "stories";

    /// <summary>Most values shown to the model in one call: enough to find pairs, few enough to keep the answer focused.</summary>
    public const int MaxValuesPerCall = 12;

    /// <summary>The job that writes the study's stories.</summary>
    public ModelJob JobFor(string studyId) => new(studyId, JobKind, cancellationToken => GenerateAsync(studyId, cancellationToken));

    /// <summary>Writes stories for every context of the study; returns what it did, for the facilitator.</summary>
    public async Task<string> GenerateAsync(string studyId, CancellationToken cancellationToken = default)
    {
        var state = await studies.LoadAsync(studyId, cancellationToken);
        if (state?.Study is not { } study)
        {
            return $"There is no study '{studyId}'.";
        }

        var values = state.ToSnapshot().Values;
        var questionsOfValues = state.QuestionsOfValues();
        var tally = new Tally();
        foreach (var question in study.Questions)
        {
            // The draw's pool rule: values of this question and values of no particular question.
            var pool = values.Where(v => questionsOfValues.TryGetValue(v.Id, out var qs) && (qs.Contains(question.Id) || qs.Contains(null))).ToList();
            if (pool.Count < 2)
            {
                continue;
            }

            foreach (var context in question.Contexts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var contextRef = new ContextRef(question.Id, context.Id);
                try
                {
                    await WriteForContextAsync(state, study, question, context, contextRef, pool, tally, cancellationToken);
                }
                catch (ModelBudgetExhaustedException)
                {
                    tally.Notes.Add("Stopped: the study's token budget is spent.");
                    return tally.Outcome();
                }
                catch (Exception e) when (ModelCallFailure.IsCallFailure(e))
                {
                    // One failed call costs only its context; the next context may well get an answer.
                    tally.FailedContexts++;
                    tally.CallFailures.Add(ModelCallFailure.Describe(e));
                    logger.LogWarning("The transition-story call for study {StudyId}, context {Context} failed ({Error}); the job goes on with the next context.",
                        study.Slug, contextRef, e.GetType().Name);
                }
            }
        }

        return tally.Outcome();
    }

    private async Task WriteForContextAsync(StudyState state, Study study, Question question, StudyContext context, ContextRef contextRef,
        List<CanonicalValue> pool, Tally tally, CancellationToken cancellationToken)
    {
        // Values with the fewest stories in this context first, so repeated runs reach every value of a large question.
        var storiesPerValue = state.Assistance.Stories.Where(s => s.Context == contextRef)
            .SelectMany(s => new[] { s.FromValueId, s.ToValueId })
            .GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var shown = pool.OrderBy(v => storiesPerValue.GetValueOrDefault(v.Id)).ThenByDescending(v => v.ParticipantCount).ThenBy(v => v.Id, StringComparer.Ordinal)
            .Take(MaxValuesPerCall).ToList();
        var purpose = new ModelCallPurpose(study.Slug, ModelCapabilities.Stories, TransitionStoryPrompt.Prompt);
        var provenance = calls.ProvenanceFor(purpose);
        var response = await calls.GetResponseAsync(purpose,
            [new ChatMessage(ChatRole.System, TransitionStoryPrompt.Prompt.Text), new ChatMessage(ChatRole.User, UserMessage(question, context, shown))],
            calls.ChatOptions(o => o.ResponseFormat = ChatResponseFormat.Json), cancellationToken);
        tally.Contexts++;

        if (ModelOutput.ParseObject(response.Text) is not { } answer || !answer.TryGetProperty("pairs", out var pairs) || pairs.ValueKind != JsonValueKind.Array)
        {
            logger.LogWarning("The transition-story answer for study {StudyId}, context {Context} was not the JSON asked for; nothing was stored from it.", study.Slug, contextRef);
            tally.Notes.Add($"The answer for {contextRef} was not valid JSON; nothing was stored from it.");
            return;
        }

        var known = shown.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        var shownById = shown.DistinctBy(v => v.Id).ToDictionary(v => v.Id, StringComparer.Ordinal);
        var events = new List<StudyEvent>();
        var unknownIds = new List<string>();
        var unknownPairs = 0;
        var taken = new HashSet<(string, string)>();
        foreach (var pair in pairs.EnumerateArray())
        {
            var from = ModelOutput.StringOf(pair, "from")?.Trim();
            var to = ModelOutput.StringOf(pair, "to")?.Trim();
            if (from is null || to is null || !known.Contains(from) || !known.Contains(to))
            {
                unknownIds.AddRange(new[] { from, to }.Where(id => id is null || !known.Contains(id)).Select(id => id is null ? "(none)" : id[..Math.Min(id.Length, 40)]));
                unknownPairs++;
                continue;
            }

            var story = ModelOutput.PlainText(ModelOutput.StringOf(pair, "story"), TransitionStoryWritten.MaxLength);
            var reverse = ModelOutput.PlainText(ModelOutput.StringOf(pair, "reverseStory"), TransitionStoryWritten.MaxLength);
            if (from == to || story.Length == 0 || reverse.Length == 0 || !taken.Add(string.CompareOrdinal(from, to) < 0 ? (from, to) : (to, from)))
            {
                tally.IncompletePairs++;
                continue;
            }

            foreach (var (a, b, text) in new[] { (from, to, story), (to, from, reverse) })
            {
                if (state.Assistance.StoryFor(contextRef, a, b) is not null)
                {
                    tally.AlreadyWritten++;
                    continue;
                }

                events.Add(new TransitionStoryWritten(contextRef, a, b, text, provenance)
                {
                    Quotes = VoteItem.QuotedBy(shownById[a], shownById[b]), StudyId = study.Slug, OccurredAt = provenance.At, Actor = "model",
                });
            }
        }

        if (unknownIds.Count > 0)
        {
            if (logger.IsEnabled(LogLevel.Warning))
            {
                logger.LogWarning("The transition-story answer for study {StudyId}, context {Context} named value ids it was not shown ({Ids}); {Count} pair(s) dropped.",
                    study.Slug, contextRef, string.Join(", ", unknownIds), unknownPairs);
            }

            tally.UnknownPairs += unknownPairs;
        }

        if (events.Count > 0)
        {
            await log.AppendAllAsync(events, cancellationToken);
            tally.Stories += events.Count;
        }
    }

    // The values go as JSON (which escapes '<' and '>'), so nothing a participant wrote can close the tags around it.
    private static string UserMessage(Question question, StudyContext context, IReadOnlyList<CanonicalValue> values) => $"""
        The question people were asked how an AI should answer:
        <question>{JsonSerializer.Serialize(question.Prompt)}</question>

        <context>{JsonSerializer.Serialize(context.Text)}</context>

        <values>{JsonSerializer.Serialize(values.Select(v => new { id = v.Id, title = v.Title, description = v.Description, attendsTo = v.Policies }))}</values>
        """;

    private sealed class Tally
    {
        public int Contexts { get; set; }

        public int Stories { get; set; }

        public int UnknownPairs { get; set; }

        public int IncompletePairs { get; set; }

        public int AlreadyWritten { get; set; }

        public List<string> Notes { get; } = [];

        public int FailedContexts { get; set; }

        public HashSet<string> CallFailures { get; } = new(StringComparer.Ordinal);

        public string Outcome()
        {
            var parts = new List<string> { $"Wrote {Stories} stor{(Stories == 1 ? "y" : "ies")} in {Contexts} context(s)." };
            if (UnknownPairs > 0)
            {
                parts.Add($"Dropped {UnknownPairs} pair(s) naming values the model was not shown.");
            }

            if (IncompletePairs > 0)
            {
                parts.Add($"Dropped {IncompletePairs} pair(s) with a missing story, the same value twice, or repeated.");
            }

            if (AlreadyWritten > 0)
            {
                parts.Add($"Skipped {AlreadyWritten} stor{(AlreadyWritten == 1 ? "y" : "ies")} already written.");
            }

            if (FailedContexts > 0)
            {
                parts.Add($"{FailedContexts} of {Contexts + FailedContexts} context(s) got no stories: {string.Join("; ", CallFailures)}.");
            }

            return string.Join(' ', parts.Concat(Notes));
        }
    }
}
