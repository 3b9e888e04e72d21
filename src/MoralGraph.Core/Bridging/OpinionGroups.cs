using System.Globalization;
using MoralGraph.Core.Events;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Voting;
using ReconciliationHash = MoralGraph.Core.Reconciliation.StableHash;

namespace MoralGraph.Core.Bridging;

/// <summary>Knobs of the opinion-group clustering (<see cref="OpinionGroups"/>), each validated.</summary>
public sealed record OpinionGroupOptions
{
    /// <summary>Seed of every random draw (PCA start, k-means++ seeding, silhouette sample); recorded in the export.</summary>
    public int Seed { get; init; } = 20231018;

    /// <summary>Most groups tried: k runs from 2 to this, and the k with the best silhouette is kept.</summary>
    public int MaxGroups { get; init; } = 5;

    /// <summary>A participant is clustered only with at least this many pairs judged wiser or not (unsure does not count); others stay unassigned.</summary>
    public int MinVotesPerParticipant { get; init; } = 3;

    /// <summary>Every group of a kept clustering has at least this many participants; a k that makes a smaller one is not kept.</summary>
    public int MinGroupSize { get; init; } = 5;

    /// <summary>
    /// Every group of a kept clustering also holds at least this share of the clustered participants, in [0, 1), so a
    /// handful of unusual voters in a large study is not called an opinion group.
    /// </summary>
    public double MinGroupShare { get; init; } = 0.05;

    /// <summary>k-means++ starts per k; the one with the least within-group spread is kept.</summary>
    public int Restarts { get; init; } = 10;

    /// <summary>Iteration bound of the PCA (subspace iteration) and of each k-means run.</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>Silhouettes are computed over at most this many participants (a seeded sample beyond), against all of them.</summary>
    public int SilhouetteSample { get; init; } = 2000;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxGroups, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MinVotesPerParticipant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MinGroupSize);
        if (!(MinGroupShare >= 0 && MinGroupShare < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinGroupShare), MinGroupShare, "Use a share in [0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Restarts);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxIterations);
        ArgumentOutOfRangeException.ThrowIfLessThan(SilhouetteSample, 2);
    }

    /// <summary>Every knob, as the export records them.</summary>
    internal SortedDictionary<string, string> ToParameters() => new(StringComparer.Ordinal)
    {
        ["maxGroups"] = MaxGroups.ToString(CultureInfo.InvariantCulture),
        ["minVotesPerParticipant"] = MinVotesPerParticipant.ToString(CultureInfo.InvariantCulture),
        ["minGroupSize"] = MinGroupSize.ToString(CultureInfo.InvariantCulture),
        ["minGroupShare"] = MinGroupShare.ToString("R", CultureInfo.InvariantCulture),
        ["restarts"] = Restarts.ToString(CultureInfo.InvariantCulture),
        ["maxIterations"] = MaxIterations.ToString(CultureInfo.InvariantCulture),
        ["silhouetteSample"] = SilhouetteSample.ToString(CultureInfo.InvariantCulture),
        ["dimensions"] = OpinionGroups.Dimensions.ToString(CultureInfo.InvariantCulture),
        ["support"] = BridgingSupport.SupportRule,
    };
}

/// <summary>How the participants were grouped, without who is in which group (the export keeps counts only).</summary>
/// <param name="Method">The method's name (<see cref="OpinionGroups.MethodName"/>).</param>
/// <param name="Seed">The seed of its random draws.</param>
/// <param name="Parameters">Its other knobs.</param>
/// <param name="GroupSizes">Participants per group, group 1 first (groups are numbered largest first); empty when no grouping was kept.</param>
/// <param name="Unassigned">Voters left out: too few votes, or no grouping kept.</param>
/// <param name="Silhouette">Mean silhouette of the kept grouping (−1 to 1; near 1: well separated), or null.</param>
/// <param name="Reason">Why no grouping was kept ("too-few-participants", "no-disagreement", "no-grouping-fits"), or null.</param>
public sealed record OpinionGroupSummary(
    string Method, int Seed, IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<int> GroupSizes, int Unassigned, double? Silhouette, string? Reason)
{
    /// <summary>Number of groups (k), 0 when none was kept.</summary>
    public int GroupCount => GroupSizes.Count;
}

/// <summary>Which opinion group each voter is in, as <see cref="OpinionGroups"/> found them.</summary>
public sealed class OpinionGroupAssignment
{
    private readonly Dictionary<string, int> _groupOf;

    internal OpinionGroupAssignment(string[] participantIds, int[] groupOfParticipant, OpinionGroupSummary summary)
    {
        GroupOfParticipant = groupOfParticipant;
        Summary = summary;
        _groupOf = new Dictionary<string, int>(participantIds.Length, StringComparer.Ordinal);
        for (var p = 0; p < participantIds.Length; p++)
        {
            _groupOf[participantIds[p]] = groupOfParticipant[p];
        }
    }

    /// <summary>The grouping's figures.</summary>
    public OpinionGroupSummary Summary { get; }

    /// <summary>Group (0-based, 0 the largest) of each participant number of the vote encoding; −1 when unassigned.</summary>
    internal int[] GroupOfParticipant { get; }

    /// <summary>The group (1 the largest) of a voter, or null when unassigned or unknown.</summary>
    public int? GroupOf(string participantId) => _groupOf.TryGetValue(participantId, out var group) && group >= 0 ? group + 1 : null;
}

/// <summary>
/// Groups voters by how they voted, as Polis does, with no demographics: a participant's row of the vote matrix holds,
/// for each (context, pair of values) they judged, +1 when the value later in study order is wiser, −1 when the earlier
/// one is (a "wiser" vote on the move towards it, or "not wiser" on the move away), 0 for "unsure" (a mean when they
/// judged both directions); a pair they did not judge is missing. Columns are centred on their mean over the voters who
/// judged them, and a missing entry takes that mean (is 0 once centred), so the matrix stays sparse. Participants who
/// judged fewer than <see cref="OpinionGroupOptions.MinVotesPerParticipant"/> pairs are left unassigned. The rows are
/// projected on the first two principal components and scaled by √(pairs / pairs judged) (Polis' correction, so sparse
/// voters are not pulled to the centre); k-means with k-means++ starts then groups them, for each k from 2 to
/// <see cref="OpinionGroupOptions.MaxGroups"/>, and the k with the highest mean silhouette among those whose groups all
/// have <see cref="OpinionGroupOptions.MinGroupSize"/> members and <see cref="OpinionGroupOptions.MinGroupShare"/> of the
/// clustered participants is kept (ties: the smaller k; among a k's starts, the least spread of those that qualify). Groups are numbered by
/// size, largest first (ties: the group whose first member voted first). Every draw comes from the recorded seed.
/// <para>Hand-written rather than taken from a library: the matrix is sparse (each voter judges a few of thousands of
/// pairs), so the two components come from subspace iteration over the non-zero entries alone (O(votes) per step), where
/// a dense SVD (e.g. MathNet.Numerics) would hold and factor participants × pairs; and k-means on two-dimensional
/// points with seeded starts and silhouettes is a few dozen lines whose every draw we control.</para>
/// </summary>
public static class OpinionGroups
{
    /// <summary>The method's name, as the export records it.</summary>
    public const string MethodName = "pca-kmeans++-silhouette";

    /// <summary>Principal components the voters are projected on.</summary>
    public const int Dimensions = 2;

    private const double Tolerance = 1e-10;

    /// <summary>Groups the voters of <paramref name="snapshot"/>.</summary>
    public static OpinionGroupAssignment Of(MoralGraphSnapshot snapshot, OpinionGroupOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var encoding = (snapshot.Votes as EncodedVoteList)?.EncodingFor(snapshot) ?? VoteEncoding.Encode(snapshot, cancellationToken);
        return Of(encoding, options ?? new OpinionGroupOptions(), cancellationToken);
    }

    internal static OpinionGroupAssignment Of(VoteEncoding encoding, OpinionGroupOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        var participants = encoding.ParticipantCount;
        var groupOf = new int[participants];
        Array.Fill(groupOf, -1);
        var matrix = VoteMatrix.Build(encoding, options.MinVotesPerParticipant, cancellationToken);
        OpinionGroupAssignment Nobody(string reason) => new(encoding.ParticipantIds, groupOf, Summary(options, [], participants, null, reason));

        if (matrix.Rows.Length < 2 * options.MinGroupSize)
        {
            return Nobody("too-few-participants");
        }

        var smallest = Math.Max(options.MinGroupSize, (int)Math.Ceiling(options.MinGroupShare * matrix.Rows.Length));
        if (Project(matrix, options, cancellationToken) is not { } points)
        {
            return Nobody("no-disagreement");
        }

        var best = (Silhouette: double.NegativeInfinity, Assignment: (int[]?)null, K: 0);
        for (var k = 2; k <= options.MaxGroups; k++)
        {
            if (BestKMeans(points, k, smallest, options, cancellationToken) is not { } assignment)
            {
                continue;
            }

            var silhouette = Silhouette(points, assignment, k, options, cancellationToken);
            if (silhouette > best.Silhouette)
            {
                best = (silhouette, assignment, k);
            }
        }

        if (best.Assignment is null)
        {
            return Nobody("no-grouping-fits");
        }

        // Largest group first; among equal sizes, the group whose first member (in order of first vote) comes first.
        var sizes = Sizes(best.Assignment, best.K);
        var firstMember = new int[best.K];
        Array.Fill(firstMember, int.MaxValue);
        for (var r = 0; r < matrix.Rows.Length; r++)
        {
            firstMember[best.Assignment[r]] = Math.Min(firstMember[best.Assignment[r]], matrix.Rows[r]);
        }

        var order = Enumerable.Range(0, best.K).OrderByDescending(g => sizes[g]).ThenBy(g => firstMember[g]).ToArray();
        var number = new int[best.K];
        for (var i = 0; i < order.Length; i++)
        {
            number[order[i]] = i;
        }

        for (var r = 0; r < matrix.Rows.Length; r++)
        {
            groupOf[matrix.Rows[r]] = number[best.Assignment[r]];
        }

        return new(encoding.ParticipantIds, groupOf,
            Summary(options, [.. order.Select(g => sizes[g])], participants - matrix.Rows.Length, best.Silhouette, null));
    }

    private static OpinionGroupSummary Summary(OpinionGroupOptions options, int[] sizes, int unassigned, double? silhouette, string? reason) =>
        new(MethodName, options.Seed, options.ToParameters(), sizes, unassigned, silhouette, reason);

    private static int[] Sizes(int[] assignment, int k)
    {
        var sizes = new int[k];
        foreach (var group in assignment)
        {
            sizes[group]++;
        }

        return sizes;
    }

    /// <summary>
    /// Each clustered row on the first two principal components (scaled), or null when the centred matrix is zero (no one
    /// disagrees with anyone). Subspace iteration: V ← orthonormalised Xᵀ(X V), from a seeded start, to a tolerance.
    /// </summary>
    private static (double[] X, double[] Y)? Project(VoteMatrix matrix, OpinionGroupOptions options, CancellationToken cancellationToken)
    {
        var columns = matrix.ColumnCount;
        var random = new Random(ReconciliationHash.Combine(options.Seed, 1));
        var v0 = new double[columns];
        var v1 = new double[columns];
        for (var c = 0; c < columns; c++)
        {
            v0[c] = random.NextDouble() - 0.5;
            v1[c] = random.NextDouble() - 0.5;
        }

        if (!Orthonormalise(v0, v1))
        {
            return null;
        }

        var rows = matrix.Rows.Length;
        var y0 = new double[rows];
        var y1 = new double[rows];
        double[]? previous0 = null, previous1 = null;
        for (var iteration = 0; iteration < options.MaxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            matrix.Multiply(v0, v1, y0, y1);
            // The previous vectors' arrays are reused (they are only compared with below): no garbage per step.
            var (w0, w1) = (previous0 ??= new double[columns], previous1 ??= new double[columns]);
            Array.Clear(w0);
            Array.Clear(w1);
            matrix.MultiplyTransposed(y0, y1, w0, w1);
            if (!Orthonormalise(w0, w1))
            {
                return null;
            }

            var converged = 1 - Math.Abs(Dot(w0, v0)) < Tolerance && 1 - Math.Abs(Dot(w1, v1)) < Tolerance;
            (previous0, previous1) = (v0, v1);
            (v0, v1) = (w0, w1);
            if (converged)
            {
                break;
            }
        }

        matrix.Multiply(v0, v1, y0, y1);
        for (var r = 0; r < rows; r++)
        {
            var scale = Math.Sqrt((double)matrix.PairCount / matrix.JudgedBy(r));
            y0[r] *= scale;
            y1[r] *= scale;
        }

        return (y0, y1);
    }

    /// <summary>Gram–Schmidt on two vectors; false when the first is zero. A zero second (rank one) is left zero.</summary>
    private static bool Orthonormalise(double[] a, double[] b)
    {
        var normA = Math.Sqrt(Dot(a, a));
        if (normA < 1e-12)
        {
            return false;
        }

        Scale(a, 1 / normA);
        var along = Dot(a, b);
        for (var i = 0; i < b.Length; i++)
        {
            b[i] -= along * a[i];
        }

        var normB = Math.Sqrt(Dot(b, b));
        if (normB < 1e-9 * normA)
        {
            Array.Clear(b);
        }
        else
        {
            Scale(b, 1 / normB);
        }

        return true;
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static void Scale(double[] a, double factor)
    {
        for (var i = 0; i < a.Length; i++)
        {
            a[i] *= factor;
        }
    }

    /// <summary>
    /// The assignment of the restart with the least within-group spread (the first of equals) among those whose groups all
    /// have <see cref="OpinionGroupOptions.MinGroupSize"/> members (a start that isolates a few outliers does not win on
    /// spread), or null when no start does; <paramref name="smallest"/> is the larger of the minimum size and share.
    /// </summary>
    private static int[]? BestKMeans((double[] X, double[] Y) points, int k, int smallest, OpinionGroupOptions options, CancellationToken cancellationToken)
    {
        int[]? best = null;
        var bestSpread = double.PositiveInfinity;
        for (var restart = 0; restart < options.Restarts; restart++)
        {
            var random = new Random(ReconciliationHash.Combine(options.Seed, 2, k, restart));
            if (KMeansPlusPlus(points, k, random) is not { } centres)
            {
                continue;
            }

            var (assignment, spread) = Lloyd(points, centres, options.MaxIterations, cancellationToken);
            if (spread < bestSpread && Sizes(assignment, k).All(size => size >= smallest))
            {
                best = assignment;
                bestSpread = spread;
            }
        }

        return best;
    }

    /// <summary>k-means++: the first centre uniformly, each next one with probability proportional to its squared distance to the nearest chosen.</summary>
    private static (double X, double Y)[]? KMeansPlusPlus((double[] X, double[] Y) points, int k, Random random)
    {
        var n = points.X.Length;
        var centres = new (double X, double Y)[k];
        var first = random.Next(n);
        centres[0] = (points.X[first], points.Y[first]);
        var nearest = new double[n];
        for (var i = 0; i < n; i++)
        {
            nearest[i] = Squared(points.X[i] - centres[0].X, points.Y[i] - centres[0].Y);
        }

        for (var c = 1; c < k; c++)
        {
            var total = nearest.Sum();
            if (total <= 0)
            {
                return null;
            }

            var target = random.NextDouble() * total;
            var chosen = n - 1;
            for (var i = 0; i < n; i++)
            {
                target -= nearest[i];
                if (target < 0 && nearest[i] > 0)
                {
                    chosen = i;
                    break;
                }
            }

            if (nearest[chosen] <= 0)
            {
                chosen = Array.FindLastIndex(nearest, d => d > 0);
            }

            centres[c] = (points.X[chosen], points.Y[chosen]);
            for (var i = 0; i < n; i++)
            {
                nearest[i] = Math.Min(nearest[i], Squared(points.X[i] - centres[c].X, points.Y[i] - centres[c].Y));
            }
        }

        return centres;
    }

    /// <summary>Lloyd's iterations until no point moves; a group that empties keeps its centre.</summary>
    private static (int[] Assignment, double Spread) Lloyd((double[] X, double[] Y) points, (double X, double Y)[] centres, int maxIterations, CancellationToken cancellationToken)
    {
        var n = points.X.Length;
        var k = centres.Length;
        var assignment = new int[n];
        Array.Fill(assignment, -1);
        var spread = 0.0;
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var moved = false;
            spread = 0;
            for (var i = 0; i < n; i++)
            {
                var (group, distance) = Nearest(points.X[i], points.Y[i], centres);
                spread += distance;
                if (assignment[i] != group)
                {
                    assignment[i] = group;
                    moved = true;
                }
            }

            if (!moved)
            {
                break;
            }

            var sumX = new double[k];
            var sumY = new double[k];
            var count = new int[k];
            for (var i = 0; i < n; i++)
            {
                sumX[assignment[i]] += points.X[i];
                sumY[assignment[i]] += points.Y[i];
                count[assignment[i]]++;
            }

            for (var g = 0; g < k; g++)
            {
                if (count[g] > 0)
                {
                    centres[g] = (sumX[g] / count[g], sumY[g] / count[g]);
                }
            }
        }

        return (assignment, spread);
    }

    private static (int Group, double Distance) Nearest(double x, double y, (double X, double Y)[] centres)
    {
        var group = 0;
        var distance = double.PositiveInfinity;
        for (var g = 0; g < centres.Length; g++)
        {
            var d = Squared(x - centres[g].X, y - centres[g].Y);
            if (d < distance)
            {
                group = g;
                distance = d;
            }
        }

        return (group, distance);
    }

    private static double Squared(double dx, double dy) => (dx * dx) + (dy * dy);

    /// <summary>
    /// Mean silhouette (b − a) / max(a, b) over the points, or over a seeded sample of
    /// <see cref="OpinionGroupOptions.SilhouetteSample"/> of them, each against every point; a point alone in its group scores 0.
    /// </summary>
    private static double Silhouette((double[] X, double[] Y) points, int[] assignment, int k, OpinionGroupOptions options, CancellationToken cancellationToken)
    {
        var n = points.X.Length;
        var sample = Enumerable.Range(0, n).ToArray();
        if (n > options.SilhouetteSample)
        {
            var random = new Random(ReconciliationHash.Combine(options.Seed, 3, k));
            for (var i = 0; i < options.SilhouetteSample; i++)
            {
                var j = random.Next(i, n);
                (sample[i], sample[j]) = (sample[j], sample[i]);
            }

            sample = sample[..options.SilhouetteSample];
        }

        var sizes = Sizes(assignment, k);
        var distanceTo = new double[k];
        var total = 0.0;
        foreach (var i in sample)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Array.Clear(distanceTo);
            for (var j = 0; j < n; j++)
            {
                distanceTo[assignment[j]] += Math.Sqrt(Squared(points.X[i] - points.X[j], points.Y[i] - points.Y[j]));
            }

            var own = assignment[i];
            if (sizes[own] < 2)
            {
                continue;
            }

            var a = distanceTo[own] / (sizes[own] - 1);
            var b = double.PositiveInfinity;
            for (var g = 0; g < k; g++)
            {
                if (g != own && sizes[g] > 0)
                {
                    b = Math.Min(b, distanceTo[g] / sizes[g]);
                }
            }

            var larger = Math.Max(a, b);
            total += larger > 0 ? (b - a) / larger : 0;
        }

        return total / sample.Length;
    }

    /// <summary>The centred vote matrix of the clustered participants, as sparse rows.</summary>
    private sealed class VoteMatrix
    {
        private readonly int[] _rowStart;
        private readonly int[] _column;
        private readonly double[] _value;

        private readonly int[] _judged;

        private VoteMatrix(int[] rows, int[] judged, int[] rowStart, int[] column, double[] value, int columnCount, int pairCount)
        {
            Rows = rows;
            _judged = judged;
            _rowStart = rowStart;
            _column = column;
            _value = value;
            ColumnCount = columnCount;
            PairCount = pairCount;
        }

        /// <summary>The participant number of each row.</summary>
        public int[] Rows { get; }

        /// <summary>Columns with a non-zero entry once centred (the others add nothing to the components).</summary>
        public int ColumnCount { get; }

        /// <summary>Every (context, pair) the clustered participants judged.</summary>
        public int PairCount { get; }

        /// <summary>Pairs the row's participant judged.</summary>
        public int JudgedBy(int row) => _judged[row];

        public static VoteMatrix Build(VoteEncoding encoding, int minVotes, CancellationToken cancellationToken)
        {
            // Columns: each (context, pair of values) voted on, numbered in key order; found by sorting, not hashing, so
            // millions of votes cost a few arrays of their length.
            var voteCount = encoding.VotesByContext.Sum(v => v.Length);
            var valueCount = (long)encoding.ValueIds.Length;
            var pairOf = new long[voteCount];
            var keys = new long[voteCount];
            var signs = new sbyte[voteCount];
            var at = 0;
            for (var context = 0; context < encoding.VotesByContext.Length; context++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var i in encoding.VotesByContext[context])
                {
                    var (from, to) = (encoding.From[i], encoding.To[i]);
                    pairOf[at] = checked((((context * valueCount) + Math.Min(from, to)) * valueCount) + Math.Max(from, to));

                    // +1: the value later in study order is the wiser; 0: unsure (the only verdict that decides nothing).
                    var towardsLater = to > from ? 1 : -1;
                    signs[at] = (sbyte)(encoding.Verdict[i] switch
                    {
                        Verdict.Wiser => towardsLater,
                        Verdict.NotWiser => -towardsLater,
                        _ => 0,
                    });
                    keys[at] = (long)encoding.Participant[i] << 32;
                    at++;
                }
            }

            var columns = (long[])pairOf.Clone();
            Array.Sort(columns);
            var columnCount = 0;
            for (var c = 0; c < columns.Length; c++)
            {
                if (c == 0 || columns[c] != columns[c - 1])
                {
                    columns[columnCount++] = columns[c];
                }
            }

            for (var v = 0; v < voteCount; v++)
            {
                keys[v] |= (uint)Array.BinarySearch(columns, 0, columnCount, pairOf[v]);
            }

            pairOf = null;
            columns = null;
            cancellationToken.ThrowIfCancellationRequested();
            Array.Sort(keys, signs);

            // Collapse each (participant, column) to the mean of its signs; keep participants with enough decided pairs.
            var rows = new List<int>();
            var rowStart = new List<int> { 0 };
            var entryColumn = new int[voteCount];
            var entryValue = new double[voteCount];
            var entries = 0;
            for (var start = 0; start < keys.Length;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var participant = (int)(keys[start] >> 32);
                var rowFirst = entries;
                var decided = 0;
                var end = start;
                while (end < keys.Length && (int)(keys[end] >> 32) == participant)
                {
                    var entryEnd = end;
                    var sum = 0;
                    var anyDecided = false;
                    while (entryEnd < keys.Length && keys[entryEnd] == keys[end])
                    {
                        sum += signs[entryEnd];
                        anyDecided |= signs[entryEnd] != 0;
                        entryEnd++;
                    }

                    entryColumn[entries] = (int)(keys[end] & 0xFFFFFFFF);
                    entryValue[entries++] = (double)sum / (entryEnd - end);
                    decided += anyDecided ? 1 : 0;
                    end = entryEnd;
                }

                if (decided >= minVotes)
                {
                    rows.Add(participant);
                    rowStart.Add(entries);
                }
                else
                {
                    entries = rowFirst;
                }

                start = end;
            }

            // Centre each column on its mean over the clustered participants who judged it.
            var columnSum = new double[columnCount];
            var columnVoters = new int[columnCount];
            for (var e = 0; e < entries; e++)
            {
                columnSum[entryColumn[e]] += entryValue[e];
                columnVoters[entryColumn[e]]++;
            }

            for (var e = 0; e < entries; e++)
            {
                entryValue[e] -= columnSum[entryColumn[e]] / columnVoters[entryColumn[e]];
            }

            // Entries that centre to 0 (every pair judged by one participant, or judged alike by all) are dropped and the
            // remaining columns renumbered in order: in a large sparse study most pairs are such, and the components'
            // vectors then cost only the pairs people disagree on.
            var judged = new int[rows.Count];
            var newColumn = new int[columnCount];
            var kept = 0;
            var pairCount = columnVoters.Count(v => v > 0);
            for (var r = 0; r < rows.Count; r++)
            {
                judged[r] = rowStart[r + 1] - rowStart[r];
                var first = kept;
                for (var e = rowStart[r]; e < rowStart[r + 1]; e++)
                {
                    if (entryValue[e] != 0)
                    {
                        entryColumn[kept] = entryColumn[e];
                        entryValue[kept++] = entryValue[e];
                    }
                }

                rowStart[r] = first;
            }

            rowStart[rows.Count] = kept;
            var used = new bool[columnCount];
            for (var e = 0; e < kept; e++)
            {
                used[entryColumn[e]] = true;
            }

            var liveColumns = 0;
            for (var c = 0; c < columnCount; c++)
            {
                newColumn[c] = used[c] ? liveColumns++ : -1;
            }

            for (var e = 0; e < kept; e++)
            {
                entryColumn[e] = newColumn[entryColumn[e]];
            }

            return new VoteMatrix([.. rows], judged, [.. rowStart], entryColumn[..kept], entryValue[..kept], liveColumns, pairCount);
        }

        /// <summary>y = X v for two vectors at once.</summary>
        public void Multiply(double[] v0, double[] v1, double[] y0, double[] y1)
        {
            for (var r = 0; r < Rows.Length; r++)
            {
                double sum0 = 0, sum1 = 0;
                for (var e = _rowStart[r]; e < _rowStart[r + 1]; e++)
                {
                    sum0 += _value[e] * v0[_column[e]];
                    sum1 += _value[e] * v1[_column[e]];
                }

                y0[r] = sum0;
                y1[r] = sum1;
            }
        }

        /// <summary>w = Xᵀ y for two vectors at once (w cleared first by its caller).</summary>
        public void MultiplyTransposed(double[] y0, double[] y1, double[] w0, double[] w1)
        {
            for (var r = 0; r < Rows.Length; r++)
            {
                for (var e = _rowStart[r]; e < _rowStart[r + 1]; e++)
                {
                    w0[_column[e]] += _value[e] * y0[r];
                    w1[_column[e]] += _value[e] * y1[r];
                }
            }
        }
    }
}
