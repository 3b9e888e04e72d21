using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;
using MoralGraph.LoadTesting.Harness;
using MoralGraph.LoadTesting.Participants;
using MoralGraph.LoadTesting.Reporting;
using MoralGraph.Storage.Snapshots;

namespace MoralGraph.LoadTesting.Chaos;

/// <summary>
/// The kill rounds of the chaos mode and what they prove. Each round lets the load run for
/// <see cref="ChaosOptions.KillEvery"/>, kills one server with SIGKILL (with several instances, each in turn, while the
/// load carries on on the others), restarts it, times the recovery, and asks the new server about participants whose
/// actions were acknowledged before: their card and their answered items must be there.
/// After the last round (and the servers' graceful stop) the store itself is read, through
/// <see cref="ChaosOptions.OpenStore"/>, whatever kind it is: every acknowledged join, card, vote
/// and survey must be in the log, the hash chain must verify, and each study's state as the app restores it must equal
/// the replay of its log — the checks of <c>moralgraph audit verify</c> and <c>audit replay</c>, run here in-process.
/// </summary>
internal sealed class ChaosRounds(IReadOnlyList<ServerSupervisor> supervisors, LoadRunOptions options, AcknowledgedActions acknowledged, TextWriter progress)
{
    // Enough participants to catch a lost write without turning the check into load of its own.
    private const int ParticipantsCheckedPerRestart = 25;
    private const int FindingsKept = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ChaosOptions _chaos = options.Chaos!;
    private readonly List<double> _recoveryMs = [];
    private readonly List<string> _inconsistent = [];
    private readonly List<string> _killed = [];
    private int _checked;

    /// <summary>Runs every round, then lets the load run one more interval on the last servers.</summary>
    /// <param name="instances">One client per instance, in the order of the supervisors.</param>
    /// <param name="cancellationToken">Stops the rounds.</param>
    public async Task RunAsync(IReadOnlyList<HttpClient> instances, CancellationToken cancellationToken)
    {
        for (var round = 1; round <= _chaos.Rounds; round++)
        {
            await Task.Delay(_chaos.KillEvery, cancellationToken);
            var instance = (round - 1) % supervisors.Count;
            var supervisor = supervisors[instance];
            var http = instances[instance];
            var killed = supervisor.Process?.Pid;
            _killed.Add(supervisor.Url.ToString());
            var recovery = await supervisor.KillAndRestartAsync(cancellationToken);
            _recoveryMs.Add(Math.Round(recovery.TotalMilliseconds, 0));
            var inconsistentBefore = _inconsistent.Count;
            await CheckAnswersAsync(http, cancellationToken);
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Chaos round {round}/{_chaos.Rounds}: killed pid {killed}{(supervisors.Count > 1 ? $" ({supervisor.Url})" : string.Empty)}, answering again after {recovery.TotalMilliseconds:0} ms (pid {supervisor.Process?.Pid}); " +
                $"{acknowledged.Participants.Count} joins, {acknowledged.VoteCount} votes acknowledged so far; {_inconsistent.Count - inconsistentBefore} inconsistent answers."));
        }

        await Task.Delay(_chaos.KillEvery, cancellationToken);
    }

    /// <summary>After the server's graceful stop: reads the store and builds the chaos part of the report.</summary>
    public async Task<ChaosReport> ReportAsync(long requestsRetried, CancellationToken cancellationToken)
    {
        var lost = new List<string>();
        var lostCount = 0;
        var storeChecks = new List<string>();
        bool chainVerified, allSame = true;
        var open = _chaos.OpenStore ?? throw new InvalidOperationException("The chaos mode was given no store to check.");
        using (var store = open())
        {
            var log = store.Log;
            var verification = await log.VerifyAsync(cancellationToken);
            chainVerified = verification.IsIntact;
            storeChecks.Add(verification.IsIntact
                ? $"audit verify: intact, {verification.EventCount} events, head {verification.EventCount}:{verification.HeadHash}."
                : $"audit verify: BROKEN at event {verification.FirstBrokenSequence}: {verification.Problem}");

            foreach (var study in await store.Catalog.ListAsync(cancellationToken))
            {
                if (await RestoredStateCheck.CompareAsync(log, store.Snapshots, study.Slug, cancellationToken) is { } comparison)
                {
                    allSame &= comparison.IsSame;
                    storeChecks.Add($"audit replay: {comparison}");
                }
            }

            var events = await log.ReadStudyAsync(options.Study, cancellationToken);
            var stored = StoredActions.From(events.Select(e => e.Event));
            foreach (var participant in acknowledged.Participants)
            {
                foreach (var problem in stored.Missing(participant))
                {
                    lostCount++;
                    if (lost.Count < FindingsKept)
                    {
                        lost.Add(problem);
                    }
                }
            }
        }

        return new ChaosReport(_chaos.Rounds, lostCount, _recoveryMs, chainVerified, allSame)
        {
            Acknowledged = new Dictionary<string, int>(StringComparer.Ordinal)
            {
                ["join"] = acknowledged.Participants.Count,
                ["card"] = acknowledged.CardCount,
                ["vote"] = acknowledged.VoteCount,
                ["survey"] = acknowledged.SurveyCount,
            },
            Lost = lost,
            RequestsRetried = requestsRetried,
            JoinsRetried = acknowledged.JoinsRetried,
            ParticipantsCheckedAfterRestarts = _checked,
            InconsistentAnswers = [.. _inconsistent.Take(FindingsKept)],
            StoreChecks = storeChecks,
            KilledInstances = _killed,
        };
    }

    /// <summary>Asks the restarted server about participants with acknowledged actions: a card or an answered item it forgot is a finding.</summary>
    private async Task CheckAnswersAsync(HttpClient http, CancellationToken cancellationToken)
    {
        // Read the ledger first: whatever it holds was acknowledged before the questions below are asked.
        var sample = acknowledged.Participants
            .Where(p => p.Votes.Count > 0 || p.CardId is not null)
            .OrderBy(p => p.ParticipantId, StringComparer.Ordinal)
            .Select(p => (p.ParticipantId, p.Token, p.CardId, Items: p.Votes.Keys.ToList()))
            .ToList();
        var random = new Random(HashCode.Combine(options.Seed, _recoveryMs.Count));
        foreach (var participant in sample.OrderBy(_ => random.Next()).Take(ParticipantsCheckedPerRestart))
        {
            var prefix = $"api/v1/studies/{Uri.EscapeDataString(options.Study)}/participation";
            var me = await GetAsync<Me>(http, $"{prefix}/me", participant.Token, cancellationToken);
            if (me is null)
            {
                Inconsistent($"after restart {_recoveryMs.Count}: /me of {participant.ParticipantId}, whose join was acknowledged, was not answered.");
                continue;
            }

            if (participant.CardId is { } cardId && me.CardId != cardId)
            {
                Inconsistent($"after restart {_recoveryMs.Count}: {participant.ParticipantId}'s card {cardId} was acknowledged, but /me shows {me.CardId ?? "no card"}.");
            }

            if (participant.Items.Count > 0)
            {
                var items = await GetAsync<PendingItems>(http, $"{prefix}/items", participant.Token, cancellationToken);
                var stillPending = items?.Items.Select(i => i.ItemId).Intersect(participant.Items, StringComparer.Ordinal).ToList();
                if (items is null)
                {
                    Inconsistent($"after restart {_recoveryMs.Count}: /items of {participant.ParticipantId} was not answered.");
                }
                else if (stillPending is { Count: > 0 })
                {
                    Inconsistent($"after restart {_recoveryMs.Count}: {participant.ParticipantId}'s votes on {string.Join(", ", stillPending)} were acknowledged, but the items are unanswered again.");
                }
            }

            _checked++;
        }
    }

    private void Inconsistent(string finding)
    {
        _inconsistent.Add(finding);
    }

    private static async Task<T?> GetAsync<T>(HttpClient http, string path, string token, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken) : null;
        }
        catch (Exception e) when (ParticipantApiClient.IsConnectionFailure(e) || e is JsonException || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private sealed record Me(string ParticipantId, string? CardId);

    private sealed record PendingItems(IReadOnlyList<Item> Items);

    private sealed record Item(string ItemId);

    /// <summary>What the log holds of the study's participants: joins, cards, votes (by vote id) and surveys.</summary>
    private sealed class StoredActions
    {
        private readonly HashSet<string> _joined = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _cards = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Verdict> _votes = new(StringComparer.Ordinal);
        private readonly HashSet<string> _surveys = new(StringComparer.Ordinal);

        public static StoredActions From(IEnumerable<StudyEvent> events)
        {
            var stored = new StoredActions();
            foreach (var studyEvent in events)
            {
                switch (studyEvent)
                {
                    case ParticipantJoined joined:
                        stored._joined.Add(joined.ParticipantId);
                        break;
                    case CardSubmitted card:
                        stored._cards[card.ParticipantId] = card.CardId;
                        break;
                    case VoteCast cast:
                        stored._votes.TryAdd(cast.Vote.VoteId, cast.Vote.Verdict);
                        break;
                    case SurveyAnswered survey:
                        stored._surveys.Add(survey.ParticipantId);
                        break;
                }
            }

            return stored;
        }

        /// <summary>Each acknowledged action of <paramref name="participant"/> the log does not hold as acknowledged.</summary>
        public IEnumerable<string> Missing(AcknowledgedParticipant participant)
        {
            var id = participant.ParticipantId;
            if (!_joined.Contains(id))
            {
                yield return $"join of {id} was acknowledged but is not in the log.";
            }

            if (participant.CardId is { } cardId && _cards.GetValueOrDefault(id) != cardId)
            {
                yield return $"card {cardId} of {id} was acknowledged but is not in the log.";
            }

            foreach (var (itemId, verdict) in participant.Votes)
            {
                // The vote id the server gives an item's answer (VoteItem.VoteIdFor).
                var voteId = $"{id}:{itemId}";
                if (!_votes.TryGetValue(voteId, out var stored))
                {
                    yield return $"vote {voteId} ({verdict}) was acknowledged but is not in the log.";
                }
                else if (!SameVerdict(stored, verdict))
                {
                    yield return $"vote {voteId} was acknowledged as {verdict} but the log holds {stored}.";
                }
            }

            if (participant.SurveyAnswered && !_surveys.Contains(id))
            {
                yield return $"survey of {id} was acknowledged but is not in the log.";
            }
        }

        private static bool SameVerdict(Verdict stored, string sent) => (stored, sent) switch
        {
            (Verdict.Wiser, "wiser") or (Verdict.NotWiser, "not-wiser") or (Verdict.Unsure, "unsure") => true,
            _ => false,
        };
    }
}
