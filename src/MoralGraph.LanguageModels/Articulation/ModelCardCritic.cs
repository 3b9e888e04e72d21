using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Interview;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Prompts;

namespace MoralGraph.LanguageModels.Articulation;

/// <summary>
/// Critiques a card with the model (<see cref="ArticulationPrompts.Critique"/>). The answer is checked item by item: an
/// unknown rule, a policy number the card does not have, or a repeated item is dropped and logged; suggestions are made
/// plain text and cut to <see cref="MaxSuggestionLength"/>. When the model cannot answer (budget spent, timeout, error) or
/// answers something unreadable, the participant gets the embedded <see cref="RuleCardCritic"/>'s critique instead.
/// </summary>
public sealed class ModelCardCritic(ModelCalls calls, ILogger<ModelCardCritic> logger) : ICardCritic
{
    /// <summary>Most characters in one suggestion.</summary>
    public const int MaxSuggestionLength = 300;

    /// <summary>Most items shown: every rule for every policy would be a rewrite, not a critique.</summary>
    public const int MaxCritiques = 10;

    /// <inheritdoc />
    public async Task<IReadOnlyList<CardCritique>> CritiqueAsync(string studyId, CardDraft draft, string language, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var purpose = new ModelCallPurpose(studyId, ModelCapabilities.Articulation, ArticulationPrompts.Critique);
        string reply;
        try
        {
            var response = await calls.GetResponseAsync(purpose, Messages(draft, language), calls.ChatOptions(o => o.ResponseFormat = ChatResponseFormat.Json), cancellationToken);
            reply = response.Text;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Whatever the model or its server does, the participant gets the embedded critique.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (e is not (ModelBudgetExhaustedException or TimeoutException))
            {
                logger.LogWarning(e, "The card critique for study {StudyId} failed; the embedded critique is used.", studyId);
            }

            return RuleCardCritic.Critique(draft, language);
        }

        var critiques = Read(reply, draft.Policies.Count, out var dropped);
        if (critiques is null)
        {
            logger.LogWarning("The model's card critique for study {StudyId} was not the JSON asked for; the embedded critique is used.", studyId);
            return RuleCardCritic.Critique(draft, language);
        }

        if (dropped > 0)
        {
            logger.LogWarning("Dropped {Count} item(s) of the model's card critique for study {StudyId}: unknown rule, policy number or empty suggestion, or a repeat.", dropped, studyId);
        }

        return critiques;
    }

    /// <summary>The critique a reply holds, or null when it is not <c>{"problems": [...]}</c>; <paramref name="dropped"/> counts invalid items.</summary>
    internal static List<CardCritique>? Read(string reply, int policyCount, out int dropped)
    {
        dropped = 0;
        if (ModelOutput.ParseObject(reply) is not { } root || !root.TryGetProperty("problems", out var problems) || problems.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var critiques = new List<CardCritique>();
        foreach (var item in problems.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                dropped++;
                continue;
            }

            var rule = ModelOutput.StringOf(item, "rule");
            var suggestion = ModelOutput.PlainText(ModelOutput.StringOf(item, "suggestion"), MaxSuggestionLength);
            // A policy number the card does not have (or a number that is not an index) makes the item unusable: -1.
            int? policy = !item.TryGetProperty("policy", out var number) || number.ValueKind == JsonValueKind.Null ? null
                : number.ValueKind == JsonValueKind.Number && number.TryGetInt32(out var index) && index >= 0 && index < policyCount ? index
                : -1;
            var valid = CardCritiqueRules.IsKnown(rule) && suggestion.Length > 0 && policy != -1
                && !critiques.Any(c => c.PolicyIndex == policy && c.Rule == rule) && critiques.Count < MaxCritiques;
            if (valid)
            {
                critiques.Add(new CardCritique(policy, rule!, suggestion));
            }
            else
            {
                dropped++;
            }
        }

        return critiques;
    }

    private static List<ChatMessage> Messages(CardDraft draft, string language)
    {
        var card = new System.Text.StringBuilder();
        card.Append("Title: ").AppendLine(draft.Title);
        card.Append("Description: ").AppendLine(draft.Description);
        card.AppendLine("Policies:");
        for (var i = 0; i < draft.Policies.Count; i++)
        {
            card.Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(". ").AppendLine(draft.Policies[i]);
        }

        return
        [
            new ChatMessage(ChatRole.System, ArticulationPrompts.Critique.Text),
            new ChatMessage(ChatRole.User, $"Write the suggestions in this language: {language}\n\n{PromptMaterial.Wrap("card", card.ToString().TrimEnd())}"),
        ];
    }
}
