using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Studies;

namespace MoralGraph.Web.Tests.Studies;

public sealed class StudyListStateTests
{
    private static readonly StudySummary Kindness = new("kindness-check", "When is kindness wise?", StudyPhase.Voting, 2, 40);

    [Fact]
    public async Task Loading_reads_the_studies_from_the_catalog()
    {
        var catalog = new FakeStudyCatalog { Studies = { Kindness } };
        var state = new StudyListState(catalog);
        Assert.False(state.IsLoaded);

        await state.LoadAsync();

        Assert.True(state.IsLoaded);
        Assert.Equal([Kindness], state.Studies);
    }

    [Fact]
    public void Downloads_use_the_default_profile_until_another_is_chosen()
    {
        var state = new StudyListState(new FakeStudyCatalog());
        Assert.All(state.ExportLinks(Kindness), link => Assert.EndsWith("&profile=default", link.Url, StringComparison.Ordinal));

        state.Profile = "mai-2023";

        Assert.All(state.ExportLinks(Kindness), link => Assert.EndsWith("&profile=mai-2023", link.Url, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_reconciliation_profile_can_be_chosen()
    {
        Assert.Equal(["default", "mai-2023", "bridging"], StudyListState.Profiles);
    }

    [Fact]
    public void Slugs_are_escaped_in_links()
    {
        Assert.Equal("/api/studies/a%20b/export?format=json&profile=default", StudyLinks.Export("a b", "json", "default"));
        Assert.Equal("/s/a%20b", StudyLinks.Participant("a b"));
    }
}
