using MoralGraph.LoadTesting.Instances;
using MoralGraph.LoadTesting.Measurement;

namespace MoralGraph.LoadTesting.Tests;

/// <summary>How a run spreads participants and dashboards over several instances, and tells same- from cross-instance lag.</summary>
public sealed class InstancesTests
{
    [Fact]
    public void Arrivals_go_to_the_instances_round_robin_in_the_order_they_arrive()
    {
        var spread = new InstanceSpread(3, 0);

        var instances = Enumerable.Range(0, 10).Select(_ => spread.Arrive().Instance).ToList();

        Assert.Equal([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], instances);
        Assert.Equal([4, 3, 3], spread.Arrivals);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.25, 50)]
    [InlineData(0.5, 100)]
    [InlineData(0.1, 20)]
    [InlineData(1.0, 200)]
    public void The_share_of_switchers_is_exact_and_taken_evenly_from_each_instance(double share, int expected)
    {
        var spread = new InstanceSpread(2, share);

        var arrivals = Enumerable.Range(0, 200).Select(_ => spread.Arrive()).ToList();

        Assert.Equal(expected, arrivals.Count(a => a.SwitchesInstance));
        Assert.Equal(expected / 2, arrivals.Count(a => a is { Instance: 0, SwitchesInstance: true }));
        Assert.Equal(expected / 2, arrivals.Count(a => a is { Instance: 1, SwitchesInstance: true }));
    }

    [Fact]
    public void Switchers_are_spread_over_the_run_not_bunched_at_its_start()
    {
        Assert.Equal(
            [false, false, false, true, false, false, false, true],
            Enumerable.Range(0, 8).Select(i => InstanceSpread.Switches(i, 0.25)).ToArray());
    }

    [Fact]
    public void With_one_instance_nobody_switches()
    {
        var spread = new InstanceSpread(1, 1);

        Assert.All(Enumerable.Range(0, 5).Select(_ => spread.Arrive()), a => Assert.Equal(new Arrival(0, false), a));
    }

    [Theory]
    [InlineData(0, -0.1)]
    [InlineData(2, 1.1)]
    public void A_spread_refuses_no_instances_or_a_share_outside_0_to_1(int instances, double share) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new InstanceSpread(instances, share));

    [Fact]
    public void A_participant_s_event_is_placed_on_the_instance_they_were_on_when_it_occurred()
    {
        var placements = new ParticipantPlacements();
        var joined = new DateTimeOffset(2026, 12, 5, 3, 0, 0, TimeSpan.Zero);
        placements.Placed("p1", 0, joined);
        placements.Placed("p1", 1, joined.AddSeconds(10));

        Assert.Equal(0, placements.InstanceAt("p1", joined.AddMilliseconds(-5)));   // the join, stamped before its acknowledgement
        Assert.Equal(0, placements.InstanceAt("p1", joined.AddSeconds(9)));
        Assert.Equal(1, placements.InstanceAt("p1", joined.AddSeconds(10)));
        Assert.Null(placements.InstanceAt("facilitator", joined));
    }

    [Fact]
    public void Dashboard_lag_is_split_by_the_instance_that_decided_the_event()
    {
        var measurements = new LoadMeasurements();
        var at = DateTimeOffset.UtcNow;
        measurements.Placements.Placed("p1", 0, at.AddSeconds(-1));
        measurements.Placements.Placed("p2", 1, at.AddSeconds(-1));

        measurements.DashboardHeard(0, "p1", at, at.AddMilliseconds(20));
        measurements.DashboardHeard(0, "p2", at, at.AddMilliseconds(300));
        measurements.DashboardHeard(1, "p2", at, at.AddMilliseconds(30));
        measurements.DashboardHeard(1, "loader", at, at.AddMilliseconds(5));

        Assert.Equal(4, measurements.DashboardLag.Summarize().Messages);
        Assert.Equal((2, 30.0), (measurements.DashboardLagSameInstance.Summarize().Messages, measurements.DashboardLagSameInstance.Summarize().MaxMs!.Value));
        Assert.Equal((1, 300.0), (measurements.DashboardLagCrossInstance.Summarize().Messages, measurements.DashboardLagCrossInstance.Summarize().P99Ms!.Value));
    }
}
