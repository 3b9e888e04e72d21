using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Tests.Access;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>Withdrawing through the running app: what was given leaves every export made afterwards.</summary>
public sealed class WithdrawalTests(JourneyAppFixture app) : IClassFixture<JourneyAppFixture>
{
    private const string Slug = JourneyAppFixture.WithdrawalSlug;

    [Fact]
    public async Task After_withdrawing_the_export_holds_neither_the_participants_card_nor_their_votes()
    {
        var journey = app.Journey;
        var (leaving, leavingCard) = await journey.WithCardAsync(Slug);
        var (staying, stayingCard) = await journey.WithCardAsync(Slug);
        var leavingItems = await journey.VoteOnEverythingAsync(Slug, leaving);
        var stayingItems = await journey.VoteOnEverythingAsync(Slug, staying);
        await journey.AnswerSurveyAsync(Slug, leaving, new Dictionary<string, int> { ["trust-process"] = 2 });

        var before = await ExportAsync();
        Assert.Contains(leaving, before.Text, StringComparison.Ordinal);
        Assert.Contains(leavingCard, before.Text, StringComparison.Ordinal);
        Assert.Equal(leavingItems.Count + stayingItems.Count, before.Votes);
        Assert.Equal(2, before.Cards);

        await journey.WithdrawAsync(Slug, leaving);

        var after = await ExportAsync();
        Assert.DoesNotContain(leaving, after.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(leavingCard, after.Text, StringComparison.Ordinal);
        Assert.Contains(staying, after.Text, StringComparison.Ordinal);
        Assert.Contains(stayingCard, after.Text, StringComparison.Ordinal);
        Assert.Equal(1, after.Cards);
        // The staying participant's votes on the leaving participant's value go with that value.
        Assert.Equal(stayingItems.Count(i => i.FromValueId != leavingCard && i.ToValueId != leavingCard), after.Votes);
        Assert.True(after.Votes < before.Votes);
        Assert.Equal(before.Participants - 1, after.Participants);
    }

    [Fact]
    public async Task A_withdrawn_participant_can_neither_resume_nor_add_anything_and_their_survey_no_longer_counts()
    {
        var journey = app.Journey;
        var joined = await journey.JoinedAsync(Slug);
        await journey.AnswerSurveyAsync(Slug, joined.ParticipantId, new Dictionary<string, int> { ["take-part-again"] = 1 });

        await journey.WithdrawAsync(Slug, joined.ParticipantId);
        await journey.WithdrawAsync(Slug, joined.ParticipantId);

        var state = (await app.Factory.Services.GetRequiredService<MoralGraph.Core.Events.StudyRepository>().LoadAsync(Slug))!;
        Assert.True(state.Participation.Find(joined.ParticipantId)!.Withdrawn);
        Assert.DoesNotContain(state.Participation.All.Where(p => !p.Withdrawn), p => p.Id == joined.ParticipantId);
        Assert.Null(await journey.FindByResumeCodeAsync(Slug, joined.ResumeCode));
        var refused = await Assert.ThrowsAsync<JourneyRefusedException>(() => journey.TurnAsync(Slug, joined.ParticipantId, "I am back."));
        Assert.Equal("Refused.NotParticipant", refused.MessageKey);
        refused = await Assert.ThrowsAsync<JourneyRefusedException>(() => journey.VoteAsync(Slug, joined.ParticipantId, "i0", Verdict.Wiser, null));
        Assert.Equal("Refused.NotParticipant", refused.MessageKey);
    }

    private async Task<(string Text, int Votes, int Cards, int Participants)> ExportAsync()
    {
        // The export API needs an observer of the study: here an API key, as an ML team would use.
        using var client = (await app.Factory.ApiKeyClientAsync(Slug)).Client;
        using var response = await client.GetAsync($"/api/studies/{Slug}/export?format=json");
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        using var spec = JsonDocument.Parse(text);
        var counts = spec.RootElement.GetProperty("counts");
        return (text, counts.GetProperty("votes").GetInt32(), counts.GetProperty("cards").GetInt32(), counts.GetProperty("participants").GetInt32());
    }
}
