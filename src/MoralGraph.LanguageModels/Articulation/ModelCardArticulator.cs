using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Prompts;

namespace MoralGraph.LanguageModels.Articulation;

/// <summary>A card a model drafted from a transcript, with where it came from.</summary>
/// <param name="Draft">The draft, for the participant to review and edit.</param>
/// <param name="Provenance">The prompt, model and time.</param>
public sealed record ArticulatedCard(CardDraft Draft, ModelProvenance Provenance);

/// <summary>
/// Drafts a values card from an interview transcript with the model (<see cref="ArticulationPrompts.Articulate"/>). The
/// draft is only a starting point for the participant's review, but it is checked like one: plain text, and within the
/// card's structural limits (a title and description, 3–7 policies, every length under its maximum). Anything else —
/// malformed JSON, twelve policies, an empty title, a timeout, a spent budget — gives null, and the caller keeps the
/// draft it has (the guided interview's <see cref="GuidedInterviewer.DraftFrom"/>).
/// </summary>
public sealed class ModelCardArticulator(ModelCalls calls, ILogger<ModelCardArticulator> logger)
{
    // Problems that make a draft unusable as a starting point; the method's style rules are the participant's to fix.
    private static readonly HashSet<string> StructuralProblems = new(StringComparer.Ordinal)
    {
        "TitleEmpty", "TitleTooLong", "DescriptionEmpty", "DescriptionTooLong", "PoliciesOverHardLimit", "PolicyCount", "PolicyEmpty", "PolicyTooLong", "PolicyDuplicate",
    };

    /// <summary>The drafted card, or null when the model gave none that can be used.</summary>
    public async Task<ArticulatedCard?> ArticulateAsync(string studyId, Question question, IReadOnlyList<InterviewMessage> transcript, string language, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(transcript);
        var purpose = new ModelCallPurpose(studyId, ModelCapabilities.Articulation, ArticulationPrompts.Articulate);
        string reply;
        try
        {
            var response = await calls.GetResponseAsync(purpose, Messages(question, transcript, language), calls.ChatOptions(o => o.ResponseFormat = ChatResponseFormat.Json), cancellationToken);
            reply = response.Text;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Whatever the model or its server does, the participant keeps the draft they have.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (e is not (ModelBudgetExhaustedException or TimeoutException))
            {
                logger.LogWarning(e, "Articulating a card for study {StudyId} failed; the participant keeps their draft.", studyId);
            }

            return null;
        }

        var draft = Read(reply, language, out var problem);
        if (draft is null)
        {
            logger.LogWarning("The model's card for study {StudyId} was not usable ({Problem}); the participant keeps their draft.", studyId, problem);
            return null;
        }

        return new ArticulatedCard(draft, calls.ProvenanceFor(purpose));
    }

    /// <summary>The draft a reply holds, or null with what was wrong (no participant text in it).</summary>
    internal static CardDraft? Read(string reply, string language, out string problem)
    {
        if (ModelOutput.ParseObject(reply) is not { } root)
        {
            problem = "not a JSON object";
            return null;
        }

        if (!root.TryGetProperty("policies", out var policies) || policies.ValueKind != JsonValueKind.Array || policies.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String))
        {
            problem = "no list of policies";
            return null;
        }

        // Cut one past each limit, so an over-long field is still refused by the validator below rather than silently shortened.
        var draft = new CardDraft(
            ModelOutput.PlainText(ModelOutput.StringOf(root, "title"), ValuesCardRules.MaxTitleLength + 2),
            ModelOutput.PlainText(ModelOutput.StringOf(root, "description"), ValuesCardRules.MaxDescriptionLength + 2),
            [.. policies.EnumerateArray().Select(p => ModelOutput.PlainText(p.GetString(), ValuesCardRules.MaxPolicyLength + 2))]);
        var structural = ValuesCardValidator.Validate(draft.Title, draft.Description, draft.Policies, ValuesCardRules.Strict.ForLanguage(language))
            .Where(p => p.Code is { } code && StructuralProblems.Contains(code)).Select(p => p.Code).Distinct().ToList();
        problem = string.Join(", ", structural);
        return structural.Count == 0 ? draft : null;
    }

    private static List<ChatMessage> Messages(Question question, IReadOnlyList<InterviewMessage> transcript, string language)
    {
        var text = new System.Text.StringBuilder();
        text.Append("Question: ").AppendLine(question.Prompt).AppendLine();
        foreach (var message in transcript)
        {
            text.Append(message.Role == InterviewRole.Interviewer ? "Interviewer: " : "Participant: ").AppendLine(message.Text);
        }

        return
        [
            new ChatMessage(ChatRole.System, ArticulationPrompts.Articulate.Text),
            new ChatMessage(ChatRole.User, $"Write the card in this language: {language}\n\n{PromptMaterial.Wrap("transcript", text.ToString().TrimEnd())}"),
        ];
    }
}
