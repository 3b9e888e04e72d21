using MoralGraph.Core.Interview;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Participation;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>A participant going through the journey, step by step, through the service the pages call.</summary>
public static class ParticipantScript
{
    /// <summary>A card that passes the strict rules.</summary>
    public static readonly CardDraft ValidCard = new(
        "Care before options",
        "The AI first makes sure she is calm enough to think.",
        ["MOMENTS when panic is making the decision for her", "SOURCES of support she can reach today", "WORDS that show she feels heard"]);

    /// <summary>Runs one interview turn to its end and returns the updates streamed.</summary>
    public static async Task<List<InterviewUpdate>> TurnAsync(this ParticipationService service, string slug, string participantId, string? text, InterviewIntent intent = InterviewIntent.Answer)
    {
        var updates = new List<InterviewUpdate>();
        await foreach (var update in service.InterviewAsync(slug, participantId, text, intent))
        {
            updates.Add(update);
        }

        return updates;
    }

    /// <summary>A new participant whose interview has opened (the interviewer asked for their story).</summary>
    public static async Task<JoinedParticipant> JoinedAsync(this ParticipationService service, string slug, string? invite = null)
    {
        var joined = await service.JoinAsync(slug, invite);
        await service.TurnAsync(slug, joined.ParticipantId, null);
        return joined;
    }

    /// <summary>A participant who went through the whole interview, so the card is drafted for review.</summary>
    public static async Task<string> InterviewedAsync(this ParticipationService service, string slug)
    {
        var participant = (await service.JoinedAsync(slug)).ParticipantId;
        await service.TurnAsync(slug, participant, "My friend lost her father last spring and I did not know what to say.");
        await service.TurnAsync(slug, participant, "Whether she wanted to talk at all, and how tired she was.");
        foreach (var policy in ValidCard.Policies)
        {
            await service.TurnAsync(slug, participant, policy);
        }

        await service.TurnAsync(slug, participant, null, InterviewIntent.Done);
        await service.TurnAsync(slug, participant, ValidCard.Title);
        await service.TurnAsync(slug, participant, ValidCard.Description);
        return participant;
    }

    /// <summary>A participant with a confirmed card; returns the participant and the card's id.</summary>
    public static async Task<(string Participant, string CardId)> WithCardAsync(this ParticipationService service, string slug)
    {
        var participant = await service.InterviewedAsync(slug);
        var result = await service.ConfirmCardAsync(slug, participant, ValidCard);
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        return (participant, result.Value!.Id);
    }

    /// <summary>Votes on every item drawn for the participant; returns the items voted on.</summary>
    public static async Task<IReadOnlyList<VoteItem>> VoteOnEverythingAsync(this ParticipationService service, string slug, string participantId, Verdict verdict = Verdict.Wiser)
    {
        var items = await service.PendingItemsAsync(slug, participantId);
        foreach (var item in items)
        {
            await service.VoteAsync(slug, participantId, item.ItemId, verdict, "because");
        }

        return items;
    }
}
