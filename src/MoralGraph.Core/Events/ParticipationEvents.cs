using MoralGraph.Core.Interview;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Events;

/// <summary>
/// A participant agreed to the consent statement and joined. Nothing about a participant is stored before this.
/// </summary>
/// <param name="ParticipantId">A random pseudonymous id (never derived from who they are).</param>
/// <param name="ResumeCodeHash">SHA-256 of their resume code (see <see cref="Participation.ResumeCode"/>); the code itself is never stored.</param>
/// <param name="ConsentVersion">Which consent statement they agreed to.</param>
/// <param name="Language">The language they take part in.</param>
/// <param name="InviteCode">The invite code they joined with, if the study uses them.</param>
[Erasure.NotParticipantText("Ids, a hash, a language and an invite code the study gave out.")]
public sealed record ParticipantJoined(string ParticipantId, string ResumeCodeHash, string ConsentVersion, string Language, string? InviteCode) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"join:{StudyId}:{ParticipantId}";
}

/// <summary>A participant chose (or was given) the question they are interviewed about.</summary>
/// <param name="ParticipantId">Who.</param>
/// <param name="QuestionId">The question.</param>
[Erasure.NotParticipantText("Ids.")]
public sealed record QuestionChosen(string ParticipantId, string QuestionId) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"question:{StudyId}:{ParticipantId}";
}

/// <summary>One message of a participant's interview, stored as it is said so a reload or restart never loses it.</summary>
/// <param name="ParticipantId">Whose interview.</param>
/// <param name="QuestionId">The question the interview is about.</param>
/// <param name="Message">The message.</param>
public sealed record InterviewMessagePosted(string ParticipantId, string QuestionId, InterviewMessage Message) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"message:{StudyId}:{ParticipantId}:{QuestionId}:{Message.Turn}";

    /// <inheritdoc />
    public override string? ParticipantTextOwner() => ParticipantId;

    /// <inheritdoc />
    /// <remarks>The interviewer's messages too: they quote and paraphrase the participant.</remarks>
    public override StudyEvent MapParticipantText(Erasure.ParticipantTextMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return this with { Message = Message with { Text = map("interview.message", Message.Text) } };
    }
}

/// <summary>The participant's card as they are editing it, before they confirm it (the latest draft counts).</summary>
/// <param name="ParticipantId">Whose draft.</param>
/// <param name="QuestionId">The question.</param>
/// <param name="Title">Title as typed.</param>
/// <param name="Description">Description as typed.</param>
/// <param name="Policies">Policies as typed.</param>
public sealed record CardDraftSaved(string ParticipantId, string QuestionId, string Title, string Description, IReadOnlyList<string> Policies) : StudyEvent
{
    /// <summary>The model that drafted the card, when a model did (a participant's own edits carry none).</summary>
    public Assistance.ModelProvenance? Provenance { get; init; }

    /// <inheritdoc />
    public override string? ParticipantTextOwner() => ParticipantId;

    /// <inheritdoc />
    public override StudyEvent MapParticipantText(Erasure.ParticipantTextMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return this with { Title = map("draft.title", Title), Description = map("draft.description", Description), Policies = [.. Policies.Select(p => map("draft.policy", p))] };
    }
}

/// <summary>
/// The participant's answer to "is this still your value?" after their card was merged into a canonical value.
/// A "no" comes with a <see cref="CardSplit"/> that gives their card back its own value.
/// </summary>
/// <param name="ParticipantId">Who answered.</param>
/// <param name="CardId">Their card.</param>
/// <param name="ValueId">The canonical value they were asked about.</param>
/// <param name="StillMine">Their answer.</param>
[Erasure.NotParticipantText("Ids and a yes or no.")]
public sealed record ValueMembershipAnswered(string ParticipantId, string CardId, string ValueId, bool StillMine) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"membership:{StudyId}:{CardId}:{ValueId}";
}

/// <summary>The wiser-than items drawn for a participant, stored so a reload shows the same ones.</summary>
/// <param name="ParticipantId">Who they are for.</param>
/// <param name="Round">0 for the first draw; a participant who asks for more gets round 1, 2, …</param>
/// <param name="Items">The items, in the order shown.</param>
[Erasure.NotParticipantText("Value ids, contexts and generated stories.")]
public sealed record VoteItemsDrawn(string ParticipantId, int Round, IReadOnlyList<VoteItem> Items) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"draw:{StudyId}:{ParticipantId}:{Round}";

    /// <inheritdoc />
    public override StudyEvent MapQuotedText(Erasure.QuotedTextMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var items = Items.Select(item => item.MapQuotedText(map)).ToList();
        return items.Select((item, i) => ReferenceEquals(item, Items[i])).All(same => same) ? this : this with { Items = items };
    }
}

/// <summary>A participant's answers to the closing survey (question id → 1 to 5).</summary>
/// <param name="ParticipantId">Who answered.</param>
/// <param name="Answers">Answers by survey question id; questions they skipped are absent.</param>
[Erasure.NotParticipantText("Numbers on a scale (the survey has no free text).")]
public sealed record SurveyAnswered(string ParticipantId, IReadOnlyDictionary<string, int> Answers) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"survey:{StudyId}:{ParticipantId}";
}
