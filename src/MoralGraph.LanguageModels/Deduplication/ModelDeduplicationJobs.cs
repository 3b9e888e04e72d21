using MoralGraph.Core.Assistance;
using MoralGraph.Core.Deduplication;
using MoralGraph.Core.Events;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Jobs;

namespace MoralGraph.LanguageModels.Deduplication;

/// <summary>
/// The facilitator's "propose merges" when a model is configured: the judge runs as a background job on the
/// <see cref="ModelJobBoard"/>, so the console returns at once, and the job appends its <see cref="MergeProposed"/> events
/// to the review queue through the same event log as every other console action (so they show live). It only proposes:
/// nothing merges until a facilitator accepts.
/// </summary>
public sealed class ModelDeduplicationJobs(ModelJobBoard board, ModelValueDeduplicator deduplicator, StudyRepository studies, IEventLog log, TimeProvider time)
{
    /// <summary>The job kind on the board.</summary>
    public const string Kind = ModelCapabilities.Deduplication;

    /// <summary>Queues a run for the study; false when one is already queued or running.</summary>
    public bool TryEnqueue(string studyId) => board.TryEnqueue(new ModelJob(studyId, Kind, cancellationToken => RunAsync(studyId, cancellationToken)));

    /// <summary>The study's latest deduplication job, or null when none ran since the app started.</summary>
    public ModelJobStatus? StatusOf(string studyId) => board.StatusOf(studyId).FirstOrDefault(s => s.Kind == Kind);

    /// <summary>Calls <paramref name="onChange"/> (on the board's thread) whenever the study's deduplication job changes state, until disposed.</summary>
    public IDisposable Watch(string studyId, Action<ModelJobStatus> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        void Handler(ModelJobStatus status)
        {
            if (status.StudyId == studyId && status.Kind == Kind)
            {
                onChange(status);
            }
        }

        board.StatusChanged += Handler;
        return new Unsubscriber(() => board.StatusChanged -= Handler);
    }

    /// <summary>The job itself: judges the study's current cards, appends the new proposals and returns the facilitator's outcome line.</summary>
    public async Task<string> RunAsync(string studyId, CancellationToken cancellationToken = default)
    {
        var state = await studies.LoadAsync(studyId, cancellationToken) ?? throw new InvalidOperationException($"There is no study '{studyId}'.");
        var run = new RecordedRun(deduplicator);
        IReadOnlyList<MergeProposed> proposals;
        try
        {
            proposals = await StudyDeduplication.ProposeForReviewAsync(state, run, time.GetUtcNow(), cancellationToken);
        }
        catch (ModelBudgetExhaustedException)
        {
            // A spent budget before the first call: the embedded default still proposes, and the outcome says so.
            proposals = await StudyDeduplication.ProposeForReviewAsync(state, new LexicalValueDeduplicator(), time.GetUtcNow(), cancellationToken);
            if (proposals.Count > 0)
            {
                await log.AppendAllAsync(proposals, cancellationToken);
            }

            return $"{Outcome(proposals.Count, null)} from {Count(state.CurrentCards().Count(), "card")} by the offline deduplicator (the study's token budget is spent)";
        }

        if (proposals.Count > 0)
        {
            await log.AppendAllAsync(proposals, cancellationToken);
        }

        // The judge also saw the study's seed values (as cards of their own); the line counts them apart from the cards.
        var seedValues = run.Judgement is { } judged ? judged.Cards - state.CurrentCards().Count() : 0;
        return Outcome(proposals.Count, run.Judgement, seedValues);
    }

    /// <summary>
    /// The outcome line, such as "3 merges proposed from 41 cards (2 invented ids dropped, 2 of 9 groups could not be
    /// judged: the model server answered 500)".
    /// </summary>
    public static string Outcome(int proposals, DedupJudgement? judgement, int seedValues = 0)
    {
        if (judgement is null)
        {
            return $"{Count(proposals, "merge")} proposed";
        }

        var line = $"{Count(proposals, "merge")} proposed from {Count(judgement.Cards - seedValues, "card")}"
            + (seedValues > 0 ? $" and {Count(seedValues, "seed value")}" : null);

        List<string> notes =
        [
            .. judgement.InventedIds > 0 ? [$"{Count(judgement.InventedIds, "invented id")} dropped"] : Array.Empty<string>(),
            .. judgement.RepeatedIds > 0 ? [$"{Count(judgement.RepeatedIds, "repeated id")} dropped"] : Array.Empty<string>(),
            .. judgement.UnreadableAnswers > 0 ? [$"{Count(judgement.UnreadableAnswers, "unreadable answer")} skipped"] : Array.Empty<string>(),
            .. judgement.FailedCalls > 0
                ? [$"{judgement.FailedCalls} of {Count(judgement.CandidateGroups, "group")} could not be judged: {string.Join("; ", judgement.CallFailures)}"]
                : Array.Empty<string>(),
            .. judgement.EmbeddingFailure is { } embeddingFailure
                ? [$"embedding failed ({embeddingFailure}), so lexical similarity chose the candidates"]
                : Array.Empty<string>(),
            .. judgement.BudgetExhausted ? ["the token budget ran out before every group was judged"] : Array.Empty<string>(),
        ];
        return notes.Count == 0 ? line : $"{line} ({string.Join(", ", notes)})";
    }

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>Passes the study's run to the judge and keeps what it reported, for the outcome line.</summary>
    private sealed class RecordedRun(ModelValueDeduplicator deduplicator) : IValueDeduplicator
    {
        public DedupJudgement? Judgement { get; private set; }

        public Task<IReadOnlyList<DedupCluster>> ClusterAsync(IReadOnlyList<DedupCard> cards, IReadOnlyList<DedupOverride>? facilitatorDecisions = null,
            CancellationToken cancellationToken = default) => deduplicator.ClusterAsync(cards, facilitatorDecisions, cancellationToken);

        public async Task<IReadOnlyList<DedupCluster>> ClusterStudyAsync(string studyId, IReadOnlyList<DedupCard> cards, IReadOnlyList<DedupOverride>? facilitatorDecisions = null,
            CancellationToken cancellationToken = default)
        {
            Judgement = await deduplicator.JudgeAsync(studyId, cards, facilitatorDecisions, cancellationToken);
            return Judgement.Clusters;
        }
    }

    private sealed class Unsubscriber(Action unsubscribe) : IDisposable
    {
        public void Dispose() => unsubscribe();
    }
}
