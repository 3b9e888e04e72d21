using System.Globalization;
using MoralGraph.Core.Bridging;
using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Reconciliation;

/// <summary>Knobs of the <see cref="DefaultProfile"/>, each validated.</summary>
public sealed record DefaultProfileOptions
{
    /// <summary>PageRank damping, in [0, 1].</summary>
    public double Damping { get; init; } = 0.85;

    /// <summary>PageRank stops when the L1 change falls below this.</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>PageRank iteration bound.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>An edge feeds the ranking only with at least this many "wiser" votes.</summary>
    public int MinMarkedWiser { get; init; } = 1;

    /// <summary>Bootstrap resamples of participants per graph; 0 turns the confidence estimate off.</summary>
    public int BootstrapResamples { get; init; } = 200;

    /// <summary>
    /// Upper bound on resamples × values per graph, so time and memory stay bounded on huge graphs: a graph of
    /// 10,000 values gets all 200 resamples, one of 100,000 gets 20, and one where fewer than
    /// <see cref="MinBootstrapResamples"/> fit gets no confidence estimate (its win shares are left out, not guessed).
    /// </summary>
    public long BootstrapBudget { get; init; } = 2_000_000;

    /// <summary>Fewest resamples worth reporting a confidence estimate from.</summary>
    public const int MinBootstrapResamples = 20;

    /// <summary>Seed of the bootstrap's random draws; recorded in the export.</summary>
    public int Seed { get; init; } = 20231018;

    /// <summary>
    /// Most threads one reconciliation uses (−1: as many as there are cores). The result is the same whatever it is, so it
    /// is not recorded: a reconciliation running beside live participants leaves them a core.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>How voters are grouped by their votes for each graph's bridging figures (<see cref="ContextGraph.Bridging"/>).</summary>
    public OpinionGroupOptions OpinionGroups { get; init; } = new();

    internal void Validate()
    {
        _ = new WeightedPageRank(Damping, Tolerance, MaxIterations);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MinMarkedWiser);
        ArgumentOutOfRangeException.ThrowIfNegative(BootstrapResamples);
        ArgumentNullException.ThrowIfNull(OpinionGroups);
        OpinionGroups.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BootstrapBudget);
        if (MaxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "Use −1 (all cores) or a positive number of threads.");
        }
    }
}

/// <summary>
/// MoralGraph's own reconciliation: one graph per (question, context), as the method intends.
/// <para>For the item A→B in one context ("did the person become wiser moving from A to B?"), with w, n and u its
/// "wiser", "not wiser" and "unsure" votes: wiserLikelihood(A→B) = (w − n) / (w + n + u); entropy = Shannon
/// entropy (bits) of (w, n, u); markedLessWise = the "wiser" votes on the reverse item B→A, reported but not
/// mixed into A→B's weight (each direction is its own item, and mixing would break monotonicity: one more
/// "wiser" vote for B over A must never lower B). The edge A→B feeds the ranking when w ≥ minMarkedWiser and
/// wiserLikelihood &gt; 0, weighted by wiserLikelihood.</para>
/// <para>Ranking: PageRank with sinks' rank redistributed (scores sum to 1) to a tolerance.
/// Confidence: participants are resampled with replacement (seeded) and everything recomputed; each value
/// reports the share of resamples in which it ranked first and the 5th–95th percentile of its score.</para>
/// <para>Contested edges: both directions have "wiser" votes, or the edge lies on a cycle of ranking
/// edges (a strongly connected component of two or more values).</para>
/// <para>Bridging: voters are grouped by their votes (<see cref="Bridging.OpinionGroups"/>) and each graph reports how each
/// group judged its values (<see cref="ContextBridging"/>); the ranking does not use it (the bridging profile does).</para>
/// </summary>
public sealed class DefaultProfile : IReconciliationProfile
{
    /// <summary>The profile's name.</summary>
    public const string ProfileName = "default";

    private readonly DefaultProfileOptions _options;
    private readonly WeightedPageRank _pageRank;

    /// <summary>Creates the profile; throws when a knob is out of range.</summary>
    public DefaultProfile(DefaultProfileOptions? options = null)
    {
        _options = options ?? new DefaultProfileOptions();
        _options.Validate();
        _pageRank = new WeightedPageRank(_options.Damping, _options.Tolerance, _options.MaxIterations);
        Parameters = new Dictionary<string, string>
        {
            ["damping"] = _options.Damping.ToString("R", CultureInfo.InvariantCulture),
            ["tolerance"] = _options.Tolerance.ToString("R", CultureInfo.InvariantCulture),
            ["maxIterations"] = _options.MaxIterations.ToString(CultureInfo.InvariantCulture),
            ["minMarkedWiser"] = _options.MinMarkedWiser.ToString(CultureInfo.InvariantCulture),
            ["bootstrapResamples"] = _options.BootstrapResamples.ToString(CultureInfo.InvariantCulture),
            ["bootstrapBudget"] = _options.BootstrapBudget.ToString(CultureInfo.InvariantCulture),
            ["seed"] = _options.Seed.ToString(CultureInfo.InvariantCulture),
            ["dangling"] = "redistribute",
            ["scope"] = "question-context",
        };
    }

    /// <inheritdoc />
    public string Name => ProfileName;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <inheritdoc />
    public ReconciliationResult Reconcile(MoralGraphSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var contextText = ContextTexts.Of(snapshot.Study);
        // A state's snapshot brings its votes encoded from the vote columns; one built by hand is encoded from its strings.
        var encoding = (snapshot.Votes as EncodedVoteList)?.EncodingFor(snapshot) ?? VoteEncoding.Encode(snapshot, cancellationToken);
        var groups = Bridging.OpinionGroups.Of(encoding, _options.OpinionGroups, cancellationToken);
        var graphs = new ContextGraph[encoding.Contexts.Length];
        Parallel.For(0, graphs.Length, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism }, i =>
        {
            var context = encoding.Contexts[i];
            graphs[i] = ReconcileContext(context, contextText(context), new ContextTallies(encoding, encoding.VotesByContext[i]), cancellationToken) with
            {
                Bridging = groups.Summary.GroupCount > 0 ? BridgingSupport.Of(encoding, encoding.VotesByContext[i], groups, cancellationToken) : null,
            };
        });

        var ordered = graphs
            .OrderBy(g => QuestionOrder(snapshot, g.QuestionId!))
            .ThenBy(g => ContextOrder(snapshot, g.QuestionId!, g.ContextId!))
            .ThenBy(g => g.ContextId, StringComparer.Ordinal)
            .ToList();
        return new ReconciliationResult(Name, Parameters, ReconciliationResult.ComputeFingerprint(Name, Parameters), ordered)
        {
            Voters = encoding.ParticipantIds,
            OpinionGroups = groups.Summary,
        };
    }

    private ContextGraph ReconcileContext(ContextRef context, string text, ContextTallies tallies, CancellationToken cancellationToken)
    {
        var edges = tallies.Edges(_options.MinMarkedWiser, [text], cancellationToken);
        var ranked = tallies.Rank(_options.MinMarkedWiser, null, _pageRank, null, cancellationToken);
        var bootstrap = Bootstrap(context, tallies, tallies.NodeIds.Length, ranked.LocalRanks, cancellationToken);
        var ranking = RankingGraph.Order(tallies.NodeIds, ranked.Scores, tallies.WiserVotesReceived(), bootstrap?.WinShare, bootstrap?.Low, bootstrap?.High);
        return new ContextGraph(context.QuestionId, context.ContextId, text, ranking, edges, tallies.ParticipantCount, ranked.Iterations)
        {
            BaselineScore = ranked.Baseline,
        };
    }

    private BootstrapEstimate? Bootstrap(ContextRef context, ContextTallies tallies, int nodeCount, double[] fullRanks, CancellationToken cancellationToken)
    {
        var resamples = (int)Math.Min(_options.BootstrapResamples, _options.BootstrapBudget / Math.Max(nodeCount, 1));
        if (resamples < Math.Min(DefaultProfileOptions.MinBootstrapResamples, _options.BootstrapResamples) || resamples < 2 || tallies.ParticipantCount == 0)
        {
            return null;
        }

        var scores = new float[resamples][];
        var wins = new double[resamples][];
        var contextSeed = StableHash.Combine(_options.Seed, StableHash.Of(context.QuestionId), StableHash.Of(context.ContextId));
        Parallel.For(0, resamples, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism }, r =>
        {
            var random = new Random(StableHash.Combine(contextSeed, r));
            var weight = new int[tallies.ParticipantCount];
            for (var p = 0; p < weight.Length; p++)
            {
                weight[random.Next(weight.Length)]++;
            }

            var result = tallies.Rank(_options.MinMarkedWiser, weight, _pageRank, fullRanks, cancellationToken);
            scores[r] = Array.ConvertAll(result.Scores, x => (float)x);

            // A resample in which no move has support has no winner (everyone merely holds the baseline).
            wins[r] = result.HasSupport ? ShareOfFirstPlace(result.Scores) : new double[nodeCount];
        });

        // A resample in which several values tie for first gives each an equal part of its win.
        var winShare = new double[nodeCount];
        for (var v = 0; v < nodeCount; v++)
        {
            var total = 0.0;
            for (var r = 0; r < resamples; r++)
            {
                total += wins[r][v];
            }

            winShare[v] = total / resamples;
        }

        var low = new double[nodeCount];
        var high = new double[nodeCount];
        var column = new float[resamples];
        for (var v = 0; v < nodeCount; v++)
        {
            for (var r = 0; r < resamples; r++)
            {
                column[r] = scores[r][v];
            }

            Array.Sort(column);
            low[v] = column[(int)Math.Floor(0.05 * (resamples - 1))];
            high[v] = column[(int)Math.Ceiling(0.95 * (resamples - 1))];
        }

        return new BootstrapEstimate(winShare, low, high);
    }

    private static double[] ShareOfFirstPlace(double[] scores)
    {
        var best = scores.Max();
        var tied = scores.Count(s => s == best);
        return Array.ConvertAll(scores, s => s == best ? 1.0 / tied : 0.0);
    }

    private static int QuestionOrder(MoralGraphSnapshot snapshot, string questionId)
    {
        var position = snapshot.Study.Questions.ToList().FindIndex(q => q.Id == questionId);
        return position < 0 ? int.MaxValue : position;
    }

    private static int ContextOrder(MoralGraphSnapshot snapshot, string questionId, string contextId)
    {
        var position = snapshot.Study.FindQuestion(questionId)?.Contexts.ToList().FindIndex(c => c.Id == contextId) ?? -1;
        return position < 0 ? int.MaxValue : position;
    }

    private sealed record BootstrapEstimate(double[] WinShare, double[] Low, double[] High);
}
