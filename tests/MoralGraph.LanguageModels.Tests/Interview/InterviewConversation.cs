using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Tests;
using MoralGraph.LanguageModels.Interview;

namespace MoralGraph.LanguageModels.Tests.Interview;

/// <summary>What one turn streamed, what the participant ends up seeing (a withdrawn reply cleared, as the page does), and how it ended.</summary>
public sealed record InterviewTurn(IReadOnlyList<InterviewUpdate> Updates, string Shown, InterviewTurnCompleted Completed)
{
    public IReadOnlyList<string> Deltas => [.. Updates.OfType<InterviewTextDelta>().Select(d => d.Text)];

    public InterviewReplyDiscarded? Discarded => Updates.OfType<InterviewReplyDiscarded>().SingleOrDefault();
}

/// <summary>
/// A participant talking to the <see cref="ModelInterviewer"/> of a <see cref="ModelTestBed"/>: keeps the transcript the
/// way ParticipationService stores it (the reply as shown, its stage, provenance and rejected cards) and the guided
/// script speaks in phrase keys (<see cref="KeyPhrasebook"/>), so a fallback is recognisable by its key.
/// </summary>
public sealed class InterviewConversation(ModelTestBed bed, Study study)
{
    private readonly ModelInterviewer _interviewer = new(bed.Calls, new GuidedInterviewer(new KeyPhrasebook()), new KeyPhrasebook(), NullLogger<ModelInterviewer>.Instance);

    public List<InterviewMessage> Transcript { get; } = [];

    /// <summary>Posts the participant's message (when given) and runs the interviewer's reply to its end.</summary>
    public async Task<InterviewTurn> ReplyAsync(string? participantText = null)
    {
        if (participantText is not null)
        {
            var stage = Transcript.LastOrDefault(m => m.Role == InterviewRole.Interviewer)?.Stage ?? InterviewStage.Story;
            Transcript.Add(new InterviewMessage(Transcript.Count, InterviewRole.Participant, participantText, stage));
        }

        var updates = new List<InterviewUpdate>();
        var shown = new StringBuilder();
        await foreach (var update in _interviewer.ReplyAsync(new InterviewRequest(study, study.Questions[0], [.. Transcript], "en")))
        {
            updates.Add(update);
            switch (update)
            {
                case InterviewTextDelta delta:
                    shown.Append(delta.Text);
                    break;
                case InterviewReplyDiscarded:
                    shown.Clear();
                    break;
            }
        }

        var completed = Assert.Single(updates.OfType<InterviewTurnCompleted>());
        Assert.Same(completed, updates[^1]);
        var text = shown.ToString().Trim();
        Transcript.Add(new InterviewMessage(Transcript.Count, InterviewRole.Interviewer, text, completed.Stage)
        {
            Provenance = completed.Provenance, RejectedCardSubmissions = completed.RejectedCardSubmissions,
        });
        return new InterviewTurn(updates, text, completed);
    }
}
