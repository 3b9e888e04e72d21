namespace MoralGraph.Core.Deduplication;

/// <summary>A card as deduplication sees it.</summary>
/// <param name="CardId">The card.</param>
/// <param name="AuthorKey">Who wrote it (participant id, or MAI's chat id); cards with the same author are never merged.</param>
/// <param name="Title">Its title.</param>
/// <param name="Policies">Its attentional policies.</param>
public sealed record DedupCard(string CardId, string? AuthorKey, string Title, IReadOnlyList<string> Policies)
{
    /// <summary>
    /// The language the card is written in (a BCP-47 primary tag such as <c>es</c>), or null when unknown. Word overlap
    /// means nothing across languages, so <see cref="LexicalValueDeduplicator"/> groups cards of one language only;
    /// a model's embeddings compare across languages.
    /// </summary>
    public string? Language { get; init; }
}

/// <summary>A facilitator's decision that wins over the algorithm.</summary>
/// <param name="CardA">One card.</param>
/// <param name="CardB">Another card.</param>
/// <param name="Together">True: always in one value (merge). False: never in one value (split).</param>
public sealed record DedupOverride(string CardA, string CardB, bool Together);

/// <summary>A group of cards judged to express one value.</summary>
/// <param name="Title">Title of the representative card (the member most similar to the others).</param>
/// <param name="Members">Card ids, representative first.</param>
public sealed record DedupCluster(string Title, IReadOnlyList<string> Members)
{
    /// <summary>Why the members were judged one value, when the deduplicator says more than the title (a model judge does); else null.</summary>
    public string? Reason { get; init; }

    /// <summary>The model call that judged the members one value, when a model did; else null.</summary>
    public Assistance.ModelProvenance? Provenance { get; init; }
}

/// <summary>Groups near-duplicate cards into canonical values.</summary>
public interface IValueDeduplicator
{
    /// <summary>Clusters <paramref name="cards"/>; <paramref name="facilitatorDecisions"/> win over the algorithm.</summary>
    Task<IReadOnlyList<DedupCluster>> ClusterAsync(IReadOnlyList<DedupCard> cards, IReadOnlyList<DedupOverride>? facilitatorDecisions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Clusters the cards of study <paramref name="studyId"/>. A deduplicator that spends something of the study's (a
    /// model's token budget) needs to know which study pays; the others cluster as <see cref="ClusterAsync"/> does.
    /// </summary>
    Task<IReadOnlyList<DedupCluster>> ClusterStudyAsync(string studyId, IReadOnlyList<DedupCard> cards, IReadOnlyList<DedupOverride>? facilitatorDecisions = null,
        CancellationToken cancellationToken = default) => ClusterAsync(cards, facilitatorDecisions, cancellationToken);
}

/// <summary>
/// Offline deduplication with no model: TF-IDF over normalized, lightly stemmed tokens of the title and
/// policies, cosine similarity, and complete-linkage clustering at <see cref="Threshold"/>.
/// Candidate pairs come from an inverted index that skips tokens carried by more than
/// <see cref="MaxPostingShare"/> of the cards (and more than 256) (they say little and would make the search quadratic), so
/// the cost grows with the pairs that share a distinctive word, not with n².
/// Complete linkage (every pair across two groups must be similar) rather than single linkage, because
/// a wrong merge silences a participant: precision matters more than recall.
/// </summary>
public sealed class LexicalValueDeduplicator : IValueDeduplicator
{
    // Below this many cards per token the pair count stays small whatever the share, and heavily
    // duplicated small studies (many cards of one value) still find each other.
    private const int MinPostingCap = 256;

    /// <summary>Creates the deduplicator with validated knobs.</summary>
    /// <param name="threshold">Cosine similarity in (0, 1] at or above which two cards are the same value.</param>
    /// <param name="maxPostingShare">Tokens in more than this share of cards are not used to find candidates, in (0, 1].</param>
    public LexicalValueDeduplicator(double threshold = 0.5, double maxPostingShare = 0.01)
    {
        if (double.IsNaN(threshold) || threshold is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "Threshold must be in (0, 1].");
        }

        if (double.IsNaN(maxPostingShare) || maxPostingShare is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPostingShare), maxPostingShare, "maxPostingShare must be in (0, 1].");
        }

        Threshold = threshold;
        MaxPostingShare = maxPostingShare;
    }

    /// <summary>Similarity at or above which cards are merged.</summary>
    public double Threshold { get; }

    /// <summary>Share of cards above which a token is too common to propose candidates.</summary>
    public double MaxPostingShare { get; }

    /// <inheritdoc />
    public Task<IReadOnlyList<DedupCluster>> ClusterAsync(IReadOnlyList<DedupCard> cards, IReadOnlyList<DedupOverride>? facilitatorDecisions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cards);
        var vectors = TfIdf.Vectorize(cards.Select(c => $"{c.Title} {c.Title} {string.Join(' ', c.Policies)}").ToList());
        var similarities = CandidatePairs(vectors, cancellationToken);
        var index = cards.Select((c, i) => (c.CardId, i)).ToDictionary(p => p.CardId, p => p.i, StringComparer.Ordinal);

        var clusters = new Clusters(cards.Count);
        var forbidden = new HashSet<(int, int)>();
        foreach (var rule in facilitatorDecisions ?? [])
        {
            if (!index.TryGetValue(rule.CardA, out var a) || !index.TryGetValue(rule.CardB, out var b))
            {
                continue;
            }

            if (rule.Together)
            {
                clusters.Merge(a, b);
            }
            else
            {
                forbidden.Add((Math.Min(a, b), Math.Max(a, b)));
            }
        }

        foreach (var ((a, b), _) in similarities.Where(p => p.Value >= Threshold).OrderByDescending(p => p.Value).ThenBy(p => p.Key))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (left, right) = (clusters.Find(a), clusters.Find(b));
            if (left == right)
            {
                continue;
            }

            var leftMembers = clusters.Members(left);
            var rightMembers = clusters.Members(right);
            var allowed = leftMembers.All(x => rightMembers.All(y =>
                !forbidden.Contains((Math.Min(x, y), Math.Max(x, y)))
                && (cards[x].AuthorKey is null || cards[x].AuthorKey != cards[y].AuthorKey)
                && string.Equals(cards[x].Language, cards[y].Language, StringComparison.OrdinalIgnoreCase)
                && similarities.GetValueOrDefault((Math.Min(x, y), Math.Max(x, y))) >= Threshold));
            if (allowed)
            {
                clusters.Merge(left, right);
            }
        }

        IReadOnlyList<DedupCluster> result = clusters.All()
            .Select(members =>
            {
                // The representative is the member most similar to the rest: its words speak for the group.
                var representative = members.OrderByDescending(x => members.Where(y => y != x)
                    .Sum(y => similarities.GetValueOrDefault((Math.Min(x, y), Math.Max(x, y))))).ThenBy(x => x).First();
                return new DedupCluster(cards[representative].Title,
                    [cards[representative].CardId, .. members.Where(m => m != representative).Select(m => cards[m].CardId)]);
            })
            .OrderByDescending(c => c.Members.Count).ThenBy(c => c.Members[0], StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(result);
    }

    private Dictionary<(int, int), double> CandidatePairs(List<Dictionary<int, double>> vectors, CancellationToken cancellationToken)
    {
        var postings = new Dictionary<int, List<(int Doc, double Weight)>>();
        for (var d = 0; d < vectors.Count; d++)
        {
            foreach (var (term, weight) in vectors[d])
            {
                if (!postings.TryGetValue(term, out var list))
                {
                    postings[term] = list = [];
                }

                list.Add((d, weight));
            }
        }

        var maxPosting = Math.Max(MinPostingCap, (int)(MaxPostingShare * vectors.Count));
        var candidates = new HashSet<(int, int)>();
        foreach (var list in postings.Values.Where(l => l.Count <= maxPosting))
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < list.Count; i++)
            {
                for (var j = i + 1; j < list.Count; j++)
                {
                    candidates.Add((Math.Min(list[i].Doc, list[j].Doc), Math.Max(list[i].Doc, list[j].Doc)));
                }
            }
        }

        // Exact cosine over all shared terms (common ones included) for each candidate pair.
        var similarities = new Dictionary<(int, int), double>(candidates.Count);
        foreach (var (a, b) in candidates)
        {
            var (small, large) = vectors[a].Count <= vectors[b].Count ? (vectors[a], vectors[b]) : (vectors[b], vectors[a]);
            var dot = 0.0;
            foreach (var (term, weight) in small)
            {
                if (large.TryGetValue(term, out var other))
                {
                    dot += weight * other;
                }
            }

            similarities[(a, b)] = dot;
        }

        return similarities;
    }

    private sealed class Clusters
    {
        private readonly int[] _parent;
        private readonly Dictionary<int, List<int>> _members = [];

        public Clusters(int count)
        {
            _parent = Enumerable.Range(0, count).ToArray();
            for (var i = 0; i < count; i++)
            {
                _members[i] = [i];
            }
        }

        public int Find(int x)
        {
            while (_parent[x] != x)
            {
                _parent[x] = _parent[_parent[x]];
                x = _parent[x];
            }

            return x;
        }

        public List<int> Members(int root) => _members[root];

        public void Merge(int a, int b)
        {
            var (ra, rb) = (Find(a), Find(b));
            if (ra == rb)
            {
                return;
            }

            if (_members[ra].Count < _members[rb].Count)
            {
                (ra, rb) = (rb, ra);
            }

            _parent[rb] = ra;
            _members[ra].AddRange(_members[rb]);
            _members.Remove(rb);
        }

        public Dictionary<int, List<int>>.ValueCollection All() => _members.Values;
    }
}
