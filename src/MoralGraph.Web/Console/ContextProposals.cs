using System.Security.Claims;
using Microsoft.Extensions.Localization;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Contexts;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.LanguageModels.Stories;
using MoralGraph.Web.Access;

namespace MoralGraph.Web.Console;

/// <summary>A proposed context waiting for a facilitator.</summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="QuestionId">Its question.</param>
/// <param name="QuestionTitle">That question's title (its prompt when it has none).</param>
/// <param name="Text">The context.</param>
/// <param name="Source">Where it came from: <c>question</c> or <c>transcript:{participant id}</c>.</param>
/// <param name="ModelId">The model that proposed it, if a model did.</param>
/// <param name="ProposedAt">When.</param>
public sealed record PendingContext(string ProposalId, string QuestionId, string QuestionTitle, string Text, string Source, string? ModelId, DateTimeOffset ProposedAt);

/// <summary>What the stories and contexts panel shows of a study.</summary>
/// <param name="Permissions">What the facilitator may do.</param>
/// <param name="Pending">Proposals waiting for a decision, oldest first.</param>
/// <param name="StoriesWritten">Model-written stories so far.</param>
/// <param name="CanUseModel">True when a model is configured: the buttons that start model work are shown.</param>
/// <param name="Jobs">The latest story and context jobs of the study.</param>
public sealed record AssistedContentView(StudyPermissions Permissions, IReadOnlyList<PendingContext> Pending, int StoriesWritten, bool CanUseModel, IReadOnlyList<ModelJobStatus> Jobs);

/// <summary>
/// Model-proposed contexts and model-written stories from the console: facilitators of the study see pending
/// proposals and accept (the context is added to its question by a study revision) or reject them, and start the
/// background jobs that propose contexts and write transition stories. Every action checks the role again. With no
/// model configured the proposals still list and can be decided; nothing can be started. A refusal says why in the
/// console's language (<paramref name="consoleText"/>).
/// </summary>
public sealed class ContextProposals(
    IEventLog log,
    StudyStates states,
    ConsoleAuthorization authorization,
    TimeProvider time,
    IStringLocalizer<ConsoleText> consoleText,
    IStringLocalizer<JourneyText> journeyText,
    ModelJobBoard? jobs = null,
    ModelContextProposer? proposer = null,
    ModelTransitionStoryGenerator? stories = null)
{
    /// <summary>Raised when a model job of any study changes state (never, with no model configured).</summary>
    public event Action<ModelJobStatus>? JobChanged
    {
        add
        {
            if (jobs is not null)
            {
                jobs.StatusChanged += value;
            }
        }

        remove
        {
            if (jobs is not null)
            {
                jobs.StatusChanged -= value;
            }
        }
    }

    /// <summary>The study as the panel shows it, or null when there is no such study or <paramref name="user"/> may not read it.</summary>
    public async Task<AssistedContentView?> ViewAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        var permissions = await authorization.PermissionsAsync(user, slug);
        if (!permissions.CanRead)
        {
            return null;
        }

        var canUseModel = jobs is not null && proposer is not null && stories is not null;
        IReadOnlyList<ModelJobStatus> statuses = jobs is null
            ? []
            : [.. jobs.StatusOf(slug).Where(s => s.Kind is ModelContextProposer.JobKind or ModelTransitionStoryGenerator.JobKind)];
        return await states.ReadAsync(slug, (state, _) =>
        {
            var study = state.Study!;
            var pending = state.Assistance.PendingContextProposals()
                .Select(p => new PendingContext(p.ProposalId, p.QuestionId, QuestionTitle(study.FindQuestion(p.QuestionId)) ?? p.QuestionId, p.Text, p.Source, p.Provenance?.ModelId, p.ProposedAt))
                .OrderBy(p => p.ProposedAt).ToList();
            return new AssistedContentView(permissions, pending, state.Assistance.Stories.Count, canUseModel, statuses);
        }, cancellationToken);
    }

    /// <summary>
    /// Accepts or rejects a pending proposal. An accepted one becomes a context of its question in the same
    /// transaction (the decision, then the revised definition); returns the new context's id, or null when rejected
    /// or when the question already has a context saying the same.
    /// </summary>
    public async Task<string?> DecideAsync(ClaimsPrincipal user, string slug, string proposalId, bool accept, CancellationToken cancellationToken = default)
    {
        var actor = await authorization.RequireAsync(user, slug, StudyAccess.Facilitator);
        var now = time.GetUtcNow();
        var (events, contextId) = await states.ReadAsync(slug, (state, _) => Decide(state, proposalId, accept, actor, now), cancellationToken);
        if (events is null)
        {
            throw new ModerationRefusedException(consoleText["Assisted.NoStudy", slug]);
        }

        await log.AppendAllAsync(events, cancellationToken);
        return contextId;
    }

    /// <summary>Queues the job proposing contexts for every question; false when one is already queued or running.</summary>
    public async Task<bool> ProposeContextsAsync(ClaimsPrincipal user, string slug)
    {
        await authorization.RequireAsync(user, slug, StudyAccess.Facilitator);
        return jobs is not null && proposer is not null
            ? jobs.TryEnqueue(proposer.QuestionJobFor(slug))
            : throw new ModerationRefusedException(consoleText["Assisted.Refused.NoModel"]);
    }

    /// <summary>Queues the job writing transition stories; false when one is already queued or running.</summary>
    public async Task<bool> WriteStoriesAsync(ClaimsPrincipal user, string slug)
    {
        await authorization.RequireAsync(user, slug, StudyAccess.Facilitator);
        return jobs is not null && stories is not null
            ? jobs.TryEnqueue(stories.JobFor(slug))
            : throw new ModerationRefusedException(consoleText["Assisted.Refused.NoModel"]);
    }

    /// <summary>The events deciding <paramref name="proposalId"/>, and the id of the context an acceptance adds.</summary>
    private (List<StudyEvent> Events, string? ContextId) Decide(StudyState state, string proposalId, bool accept, string actor, DateTimeOffset now)
    {
        var study = state.Study!;
        var proposal = state.Assistance.PendingContextProposals().FirstOrDefault(p => p.ProposalId == proposalId)
            ?? throw new ModerationRefusedException(consoleText["Assisted.Refused.ProposalGone"]);
        List<StudyEvent> events = [new ContextProposalDecided(proposalId, accept) { StudyId = study.Slug, OccurredAt = now, Actor = actor }];
        if (!accept)
        {
            return (events, null);
        }

        var question = study.FindQuestion(proposal.QuestionId)
            ?? throw new ModerationRefusedException(consoleText["Assisted.Refused.QuestionGone", proposal.QuestionId]);
        if (question.Contexts.Any(c => ContextText.Normalize(c.Text) == ContextText.Normalize(proposal.Text)))
        {
            return (events, null);
        }

        var context = new StudyContext(UniqueContextId(question, proposal.Text), proposal.Text);
        var revision = StudyDefinitionEvents.Revise(state, study.WithContext(question.Id, context), now, actor);
        if (!revision.IsValid)
        {
            // Worded like every other study problem on the console (StudyProblem.{code}), not in the validator's English.
            throw new ModerationRefusedException(string.Join(" ", revision.Problems.Select(p => ProblemText.For(consoleText, journeyText, p))));
        }

        events.AddRange(revision.Value!);
        return (events, context.Id);
    }

    // The slug of its text, as a context written in a study file without an id gets; numbered when taken.
    private static string UniqueContextId(Question question, string text)
    {
        var slug = StudyDefinitionReader.Slugify(text);
        var baseId = slug.Length == 0 ? "context" : slug;
        var id = baseId;
        for (var n = 2; question.FindContext(id) is not null; n++)
        {
            id = $"{baseId}-{n}";
        }

        return id;
    }

    private static string? QuestionTitle(Question? question) => question is null ? null : string.IsNullOrWhiteSpace(question.Title) ? question.Prompt : question.Title;
}
