using System.Collections.Concurrent;
using MoralGraph.LoadTesting.Harness;
using MoralGraph.LoadTesting.Instances;
using MoralGraph.LoadTesting.Measurement;
using MoralGraph.LoadTesting.Participants;
using MoralGraph.LoadTesting.Reporting;

namespace MoralGraph.LoadTesting.Tests;

/// <summary>
/// Participants on two in-memory instances of the participant API: the arrival spread, the sticky session lost after
/// the card, what the switch finds on an instance that shares the store, does not, or forgot their card, and the
/// fail-over to another instance when theirs is down.
/// </summary>
public sealed class SwitchTests
{
    private readonly ConcurrentQueue<(int Instance, string Action, string Token)> _requests = new();
    private readonly LoadMeasurements _measurements = new();
    private readonly AcknowledgedActions _acknowledged = new();

    [Fact]
    public async Task On_a_shared_store_switchers_vote_on_the_other_instance_and_find_their_card()
    {
        var store = new ConcurrentDictionary<string, FakeParticipant>(StringComparer.Ordinal);
        var instances = new[] { new FakeParticipantApi(0, store, _requests), new FakeParticipantApi(1, store, _requests) };

        await RunAsync(instances, participants: 4, switchShare: 1);

        var switches = _measurements.Switches.Summarize();
        Assert.Equal((4, 0, 0), (switches.Participants, switches.FailedActions, switches.ProgressMissing));
        Assert.Equal(4, _acknowledged.SurveyCount);
        foreach (var participant in _acknowledged.Participants)
        {
            var theirs = _requests.Where(r => r.Token == participant.Token).ToList();
            var confirmedOn = theirs.Single(r => r.Action == "POST card/confirm").Instance;
            Assert.All(theirs.Where(r => r.Action is "POST items/i1/vote" or "POST survey"), r => Assert.NotEqual(confirmedOn, r.Instance));
        }

        Assert.Equal([2, 2], new[] { 0, 1 }.Select(i => _measurements.InstanceApi(i, "join").Summarize().Count));
        Assert.Equal([2, 2], new[] { 0, 1 }.Select(i => _measurements.InstanceApi(i, "vote").Summarize().Count));
    }

    [Fact]
    public async Task Instances_that_do_not_share_a_store_fail_the_switchers_and_it_is_counted()
    {
        var instances = new[]
        {
            new FakeParticipantApi(0, new(StringComparer.Ordinal), _requests), new FakeParticipantApi(1, new(StringComparer.Ordinal), _requests),
        };

        await RunAsync(instances, participants: 8, switchShare: 0.5);

        var switches = _measurements.Switches.Summarize();
        Assert.Equal((4, 4, 0), (switches.Participants, switches.FailedActions, switches.ProgressMissing));
        Assert.All(switches.First, message => Assert.Contains("HTTP 401", message, StringComparison.Ordinal));
        Assert.Equal(4, _acknowledged.SurveyCount);
        Assert.Equal(4, _measurements.Api("me").Summarize().Errors);
        Assert.Equal([2, 2], new[] { 0, 1 }.Select(i => _measurements.InstanceApi(i, "me").Summarize().Errors));
    }

    [Fact]
    public async Task An_instance_that_shows_a_switcher_without_their_card_is_a_finding()
    {
        var store = new ConcurrentDictionary<string, FakeParticipant>(StringComparer.Ordinal);
        var instances = new[] { new FakeParticipantApi(0, store, _requests), new FakeParticipantApi(1, store, _requests) { ForgetsCards = true } };

        await RunAsync(instances, participants: 2, switchShare: 1);

        var switches = _measurements.Switches.Summarize();
        Assert.Equal((2, 0, 1), (switches.Participants, switches.FailedActions, switches.ProgressMissing));
        Assert.Contains("switched to instance 2: card card-", Assert.Single(switches.First), StringComparison.Ordinal);

        var report = InstanceSwitchReport.From(switches);
        Assert.Equal((2, 0, 1), (report.Participants, report.FailedActions, report.ProgressMissing));
    }

    [Fact]
    public async Task A_participant_whose_instance_is_down_carries_on_on_another_when_retrying()
    {
        var store = new ConcurrentDictionary<string, FakeParticipant>(StringComparer.Ordinal);
        var instances = new[] { new FakeParticipantApi(0, store, _requests) { Down = true }, new FakeParticipantApi(1, store, _requests) };

        await RunAsync(instances, participants: 4, switchShare: 0, new RetryPolicy(TimeSpan.FromSeconds(10)));

        Assert.Equal(4, _acknowledged.SurveyCount);
        Assert.All(_requests, r => Assert.Equal(1, r.Instance));
        Assert.Equal(0, _measurements.ApiSummaries().Values.Sum(a => a.Errors));
        Assert.Equal(4, _measurements.InstanceApi(1, "join").Summarize().Count);
    }

    private async Task RunAsync(FakeParticipantApi[] instances, int participants, double switchShare, RetryPolicy? retry = null)
    {
        var clients = instances.Select(i => i.Client()).ToList();
        var spread = new InstanceSpread(instances.Length, switchShare);
        var journeys = Enumerable.Range(0, participants).Select(i =>
        {
            var arrival = spread.Arrive();
            var api = new ParticipantApiClient(new InstanceRoute(clients, arrival.Instance), "fake", _measurements, retry ?? RetryPolicy.None);
            return new SimulatedParticipant(api, _acknowledged, ThinkTime.Parse("1ms"), new Random(i), arrival.SwitchesInstance).RunAsync(CancellationToken.None);
        }).ToList();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Task.WhenAll(journeys).WaitAsync(timeout.Token);
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}
