using MoralGraph.LoadTesting.Harness;

namespace MoralGraph.LoadTesting.Participants;

/// <summary>
/// One person taking the journey through the participant API at a human pace: consent, then whatever the study asks of
/// them — a question, the guided interview and a valid card while it is interviewing —, their wiser-than items (now and
/// then answering one twice, as a double click does, or changing their mind) and the survey. Before each action they
/// pause for a <see cref="ThinkTime"/>. The journey ends early, without an error, when the run's time is up. One who
/// <paramref name="switchesInstance"/> carries on on another instance after their card (or, with no card to write,
/// before voting), with the same token, and checks that it knows how far they had come.
/// </summary>
internal sealed class SimulatedParticipant(ParticipantApiClient api, AcknowledgedActions acknowledged, ThinkTime thinkTime, Random random, bool switchesInstance = false)
{
    // The steps a participant has left behind once their card is confirmed (or voting has begun).
    private static readonly HashSet<string> StepsBeforeVoting = new(StringComparer.Ordinal) { "question", "interview", "card" };

    /// <summary>The answers a participant may give to an item.</summary>
    internal static readonly string[] Verdicts = ["wiser", "not-wiser", "unsure"];

    // A changed mind on an answered item is refused by design: the item's vote id is taken (ParticipationService.VoteAsync).
    private static readonly HashSet<string> ChangedMindRefusals = new(StringComparer.Ordinal) { "Refused.ChangedElsewhere" };

    // Steps are revisited through /me; a journey that keeps coming back is stuck, and stops rather than loop.
    private const int MaxSteps = 12;

    // Refused while the interviewer's reply to the previous answer is still owed (a restart cut it off): ask for it.
    private static readonly HashSet<string> ReplyOwedRefusals = new(StringComparer.Ordinal) { "Refused.WaitForReply" };

    private readonly CardText _card = InterviewScript.CardFor(random);
    private AcknowledgedParticipant? _me;
    private bool _switchPending = switchesInstance;

    /// <summary>Takes the journey until it is done, it fails, or <paramref name="cancellationToken"/> ends the run.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await PauseAsync(cancellationToken);
        var joined = await api.SendAsync<JoinAnswer>("join", HttpMethod.Post, "join", new { consent = true }, null, cancellationToken);
        if (joined is ApiOutcome<JoinAnswer>.Acknowledged { Value: var join } ack)
        {
            acknowledged.JoinRetried(ack.Attempts - 1);
            api.Token = join.Token;
            api.ParticipantId = join.ParticipantId;
            _me = acknowledged.Joined(join.ParticipantId, join.Token);
        }
        else
        {
            return;
        }

        for (var step = 0; step < MaxSteps && !cancellationToken.IsCancellationRequested; step++)
        {
            await PauseAsync(cancellationToken);
            if (await api.SendAsync<ParticipationAnswer>("me", HttpMethod.Get, "me", null, null, cancellationToken) is not ApiOutcome<ParticipationAnswer>.Acknowledged { Value: var where })
            {
                return;
            }

            var carryOn = where.Step switch
            {
                "question" => await ChooseQuestionAsync(where, cancellationToken),
                "interview" => await InterviewAsync(where, cancellationToken),
                "card" => await ConfirmCardAsync(cancellationToken),
                "voting" => await VoteAsync(cancellationToken),
                "survey" => await AnswerSurveyAsync(cancellationToken),
                _ => false,
            };
            if (!carryOn)
            {
                return;
            }
        }
    }

    private async Task<bool> ChooseQuestionAsync(ParticipationAnswer where, CancellationToken cancellationToken)
    {
        var question = where.Questions[random.Next(where.Questions.Count)];
        return await api.SendAsync<ParticipationAnswer>("question", HttpMethod.Post, "question", new { questionId = question.Id }, null, cancellationToken) is ApiOutcome<ParticipationAnswer>.Acknowledged;
    }

    /// <summary>Answers the guided interviewer stage by stage, from whatever the transcript holds, until it drafts the card.</summary>
    private async Task<bool> InterviewAsync(ParticipationAnswer where, CancellationToken cancellationToken)
    {
        var card = _card;
        var policiesSent = where.Transcript.Count(m => m is { Role: "participant", Stage: "policies" } && m.Text.Length > 0);
        var stage = where.Transcript.Count == 0 || where.Transcript[^1].Role == "participant" ? null : where.Transcript[^1].Stage;
        for (var turn = 0; turn < InterviewScript.MaxTurns; turn++)
        {
            // No stage yet: the interviewer's opening (or a reply a restart interrupted) is still owed; ask for it.
            object body = stage switch
            {
                null => new { },
                "story" => new { text = InterviewScript.Story },
                "attention" => new { text = InterviewScript.Attention },
                "policies" when policiesSent < card.Policies.Count => new { text = card.Policies[policiesSent] },
                "policies" => new { intent = "done" },
                "title" => new { text = card.Title },
                "description" => new { text = card.Description },
                _ => null!,
            };
            if (body is null)
            {
                // "review" or a stage this script does not know: the card step takes it from here.
                return true;
            }

            if (stage is not null)
            {
                await PauseAsync(cancellationToken);
            }

            var reply = await api.SendAsync<InterviewAnswer>("interview", HttpMethod.Post, "interview", body, ReplyOwedRefusals, cancellationToken);
            if (reply is ApiOutcome<InterviewAnswer>.Refused)
            {
                if (stage is null)
                {
                    // Asked for the owed reply and told to wait for it: the interview is stuck, and saying so beats looping.
                    api.RecordFailure("interview", "stuck", "interview: the owed reply was asked for and the server answered Refused.WaitForReply.");
                    return false;
                }

                stage = null;
                continue;
            }

            if (reply is not ApiOutcome<InterviewAnswer>.Acknowledged { Value: var said })
            {
                return false;
            }

            if (stage == "policies" && policiesSent < card.Policies.Count)
            {
                policiesSent++;
            }

            stage = said.Stage;
        }

        return true;
    }

    private async Task<bool> ConfirmCardAsync(CancellationToken cancellationToken)
    {
        var card = _card;
        var confirmed = await api.SendAsync<ParticipationAnswer>("confirm", HttpMethod.Post, "card/confirm",
            new { title = card.Title, description = card.Description, policies = card.Policies }, null, cancellationToken);
        if (confirmed is ApiOutcome<ParticipationAnswer>.Acknowledged { Value.CardId: { } cardId })
        {
            _me!.CardId = cardId;
            return !_switchPending || await SwitchInstanceAsync(cancellationToken);
        }

        return false;
    }

    /// <summary>
    /// Carries on on the next instance with the same token, and asks it where they are: it must know them, show their
    /// acknowledged card and put them past the card. A failure there ends the journey (and is counted as the switch's).
    /// </summary>
    private async Task<bool> SwitchInstanceAsync(CancellationToken cancellationToken)
    {
        _switchPending = false;
        api.SwitchInstance();
        await PauseAsync(cancellationToken);
        if (await api.SendAsync<ParticipationAnswer>("me", HttpMethod.Get, "me", null, null, cancellationToken) is not ApiOutcome<ParticipationAnswer>.Acknowledged { Value: var where })
        {
            return false;
        }

        var me = _me!;
        var missing = where.ParticipantId != me.ParticipantId ? $"the token of {me.ParticipantId} was taken for {where.ParticipantId}"
            : me.CardId is { } cardId && where.CardId != cardId ? $"card {cardId} was acknowledged, /me shows {where.CardId ?? "no card"}"
            : StepsBeforeVoting.Contains(where.Step) ? $"/me puts them back at the {where.Step} step"
            : null;
        if (missing is null)
        {
            return true;
        }

        api.ProgressMissing($"{me.ParticipantId} switched to instance {api.Instance + 1}: {missing}.");
        return false;
    }

    private async Task<bool> VoteAsync(CancellationToken cancellationToken)
    {
        if (_switchPending && !await SwitchInstanceAsync(cancellationToken))
        {
            return false;
        }

        if (await api.SendAsync<ItemsAnswer>("items", HttpMethod.Get, "items", null, null, cancellationToken) is not ApiOutcome<ItemsAnswer>.Acknowledged { Value: var drawn })
        {
            return false;
        }

        foreach (var item in drawn.Items)
        {
            await PauseAsync(cancellationToken);
            var verdict = PickVerdict();
            var comment = random.NextDouble() < 0.2 ? "It depends on how calm she is." : null;
            var path = $"items/{Uri.EscapeDataString(item.ItemId)}/vote";
            if (await api.SendAsync<VoteAnswer>("vote", HttpMethod.Post, path, new { verdict, comment }, null, cancellationToken) is not ApiOutcome<VoteAnswer>.Acknowledged)
            {
                return false;
            }

            _me!.Voted(item.ItemId, verdict);
            var roll = random.NextDouble();
            if (roll < 0.05)
            {
                // A double click or a retried request: the same answer again must be stored once and acknowledged.
                if (await api.SendAsync<VoteAnswer>("vote-retry", HttpMethod.Post, path, new { verdict, comment }, null, cancellationToken) is not ApiOutcome<VoteAnswer>.Acknowledged)
                {
                    return false;
                }
            }
            else if (roll < 0.08)
            {
                // A changed mind a moment later; the first answer stands, and the server says so.
                var other = Verdicts.First(v => v != verdict);
                var changed = await api.SendAsync<VoteAnswer>("vote-change", HttpMethod.Post, path, new { verdict = other, comment }, ChangedMindRefusals, cancellationToken);
                if (changed is ApiOutcome<VoteAnswer>.Failed or ApiOutcome<VoteAnswer>.Abandoned)
                {
                    return false;
                }
            }
        }

        // Drawn, answered, and nothing left: on to the survey.
        return true;
    }

    private async Task<bool> AnswerSurveyAsync(CancellationToken cancellationToken)
    {
        var answers = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["values-expressed"] = random.Next(1, 6),
            ["clarified-thinking"] = random.Next(1, 6),
            ["trust-process"] = random.Next(1, 6),
        };
        if (await api.SendAsync<ParticipationAnswer>("survey", HttpMethod.Post, "survey", new { answers }, null, cancellationToken) is not ApiOutcome<ParticipationAnswer>.Acknowledged)
        {
            return false;
        }

        _me!.SurveyAnswered = true;
        return true;
    }

    private string PickVerdict()
    {
        // Most people see growth in a transition story; some do not, a few cannot tell.
        var roll = random.NextDouble();
        return roll < 0.55 ? Verdicts[0] : roll < 0.85 ? Verdicts[1] : Verdicts[2];
    }

    private async Task PauseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(thinkTime.Next(random), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The run is over; the next request sees the token and ends the journey.
        }
    }
}
