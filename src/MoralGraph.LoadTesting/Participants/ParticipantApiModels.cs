namespace MoralGraph.LoadTesting.Participants;

// The participant API's answers as the harness reads them: only the fields a simulated person acts on. The server's
// own records (MoralGraph.Web.Participation) are not referenced, so the harness speaks the wire format as any other
// client does, and a renamed field shows up here as a failed journey.

internal sealed record JoinAnswer(string ParticipantId, string ResumeCode, string Token, string ConsentVersion);

internal sealed record QuestionAnswer(string Id, string Title, string Prompt);

internal sealed record TranscriptMessage(int Turn, string Role, string Text, string Stage);

internal sealed record CardText(string Title, string Description, IReadOnlyList<string> Policies);

internal sealed record ParticipationAnswer(
    string ParticipantId, string Step, string Phase, QuestionAnswer? Question, IReadOnlyList<QuestionAnswer> Questions,
    IReadOnlyList<TranscriptMessage> Transcript, CardText? Draft, string? CardId, int ItemsLeft, bool SurveyAnswered);

internal sealed record InterviewAnswer(string Reply, string Stage, CardText? Draft);

internal sealed record ItemAnswer(string ItemId);

internal sealed record ItemsAnswer(IReadOnlyList<ItemAnswer> Items, int Drawn);

internal sealed record TallyAnswer(int Wiser, int NotWiser, int Unsure);

internal sealed record VoteAnswer(string ItemId, TallyAnswer Tallies);

/// <summary>A problem document's fields the harness reads: the refusal's <c>code</c> extension above all.</summary>
internal sealed record ProblemAnswer(int? Status, string? Title, string? Code);
