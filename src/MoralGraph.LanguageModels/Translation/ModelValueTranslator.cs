using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Text;
using MoralGraph.Core.Values;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.LanguageModels.Prompts;

namespace MoralGraph.LanguageModels.Translation;

/// <summary>
/// Translates the values of a study offered in several languages, so voters can read a value written in another
/// language: for each value in the graph and each of the study's other languages without a translation of the value's
/// current words, the model translates its title, description and policies, and the result is stored as a
/// <see cref="ValueTranslated"/> with its provenance. The original is never replaced; voting shows the translation
/// beside it.
/// <para>
/// A reply is stored only when it is the JSON asked for, has every field non-empty as plain text (markup is taken out),
/// keeps the number of policies, and fits the limits a card must meet (<see cref="ValuesCardRules"/>); any other reply is
/// skipped and counted, and the same words are asked about at most <see cref="MaxRejectedReplies"/> times while the app runs.
/// </para>
/// <para>
/// The work runs as a <see cref="ModelJob"/> of kind <see cref="JobKind"/>, never in a participant's request:
/// <see cref="Request"/> queues it (when a study moves to voting, and when a card arrives in a study of several languages).
/// </para>
/// </summary>
public sealed class ModelValueTranslator(ModelCalls calls, StudyRepository studies, IEventLog log, ModelJobBoard jobs, ILogger<ModelValueTranslator> logger)
{
    /// <summary>The job kind on the <see cref="ModelJobBoard"/>.</summary>
    public const string JobKind = "translations";

    /// <summary>The actor of the translations stored.</summary>
    public const string Actor = "model";

    /// <summary>Rejected replies about the same words into the same language before the translator stops asking (until the app restarts).</summary>
    public const int MaxRejectedReplies = 2;

    /// <summary>Failed calls in a row (timeouts, server errors) after which a run stops: the model is likely down, and the next request tries again.</summary>
    public const int MaxFailedCallsInARow = 3;

    // Letters of every script stay as they are, so the model reads the participant's words; '<', '>' and '&' are still
    // escaped, so nothing a participant wrote can close the tags around it.
    private static readonly JsonSerializerOptions CardJson = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly ConcurrentDictionary<(string StudyId, string ValueId, string Language, string SourceHash), int> _rejected = new();

    /// <summary>The job that translates the study's values.</summary>
    public ModelJob JobFor(string studyId) => new(studyId, JobKind, cancellationToken => TranslateAsync(studyId, cancellationToken));

    /// <summary>Queues a translation run for the study (or, when one is queued or running, another after it).</summary>
    public void Request(string studyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(studyId);
        jobs.Request(JobFor(studyId));
    }

    /// <summary>Translates every value that lacks a current translation into one of the study's languages; returns the outcome for the facilitators.</summary>
    public async Task<string> TranslateAsync(string studyId, CancellationToken cancellationToken = default)
    {
        var state = await studies.LoadAsync(studyId, cancellationToken);
        if (state?.Study is not { } study)
        {
            return $"There is no study '{studyId}'.";
        }

        var languages = study.Languages.Select(LanguageTags.Primary).Distinct(StringComparer.Ordinal).ToList();
        if (languages.Count < 2)
        {
            return "The study is offered in one language: nothing to translate.";
        }

        var tally = new Tally();
        var failedInARow = 0;
        foreach (var value in state.ToSnapshot().Values)
        {
            var source = state.LanguageOfValue(value);
            var sourceHash = ValueTranslated.HashOf(value.Title, value.Description, value.Policies);
            foreach (var target in languages.Where(l => l != source && state.CurrentTranslationOf(value.Id, l) is null))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var key = (studyId, value.Id, target, sourceHash);
                if (_rejected.GetValueOrDefault(key) >= MaxRejectedReplies)
                {
                    tally.GivenUp++;
                    continue;
                }

                TranslationReply reply;
                try
                {
                    reply = await AskAsync(studyId, value, source, target, cancellationToken);
                    failedInARow = 0;
                }
                catch (ModelBudgetExhaustedException)
                {
                    tally.Notes.Add("Stopped: the study's token budget is spent.");
                    return tally.Outcome();
                }
                catch (Exception e) when (ModelCallFailure.IsCallFailure(e))
                {
                    tally.FailedCalls++;
                    tally.CallFailures.Add(ModelCallFailure.Describe(e));
                    logger.LogWarning("Translating value {ValueId} of study {StudyId} into {Language} failed ({Error}).", value.Id, studyId, target, e.GetType().Name);
                    if (++failedInARow >= MaxFailedCallsInARow)
                    {
                        tally.Notes.Add($"Stopped after {failedInARow} failed calls in a row; the next run tries again.");
                        return tally.Outcome();
                    }

                    continue;
                }

                if (reply.Translation is not { } translation)
                {
                    _rejected.AddOrUpdate(key, 1, (_, count) => count + 1);
                    tally.Rejected[reply.Problem!] = tally.Rejected.GetValueOrDefault(reply.Problem!) + 1;
                    logger.LogWarning("The translation of value {ValueId} of study {StudyId} into {Language} was not stored: {Problem}.", value.Id, studyId, target, reply.Problem);
                    continue;
                }

                await log.AppendAsync(new ValueTranslated(value.Id, target, translation.Title, translation.Description, translation.Policies, sourceHash, reply.Provenance)
                {
                    Quotes = QuotedBy(value), StudyId = studyId, OccurredAt = reply.Provenance.At, Actor = Actor,
                }, cancellationToken);
                tally.Stored++;
            }
        }

        return tally.Outcome();
    }

    /// <summary>
    /// What a reply holds: the card it translates to, or why it is not stored (<paramref name="problem"/>). The card is
    /// plain text, every field non-empty, as many policies as <paramref name="policyCount"/>, within a card's limits.
    /// </summary>
    internal static TranslatedCard? Read(string? reply, int policyCount, out string? problem)
    {
        problem = null;
        if (ModelOutput.ParseObject(reply) is not { } root || !root.TryGetProperty("policies", out var policies) || policies.ValueKind != JsonValueKind.Array
            || ModelOutput.StringOf(root, "title") is not { } rawTitle || ModelOutput.StringOf(root, "description") is not { } rawDescription
            || policies.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String))
        {
            problem = "not the JSON asked for";
            return null;
        }

        if (policies.GetArrayLength() != policyCount)
        {
            problem = $"{policies.GetArrayLength()} policies for {policyCount}";
            return null;
        }

        // Limits are checked before clipping: a translation is stored whole or not at all.
        var title = Plain(rawTitle);
        var description = Plain(rawDescription);
        var translated = policies.EnumerateArray().Select(p => Plain(p.GetString())).ToList();
        if (title.Length == 0 || description.Length == 0 || translated.Any(p => p.Length == 0))
        {
            problem = "an empty field";
            return null;
        }

        if (title.Length > ValuesCardRules.MaxTitleLength || description.Length > ValuesCardRules.MaxDescriptionLength || translated.Any(p => p.Length > ValuesCardRules.MaxPolicyLength))
        {
            problem = "longer than a card may be";
            return null;
        }

        return new TranslatedCard(title, description, translated);
    }

    private async Task<TranslationReply> AskAsync(string studyId, CanonicalValue value, string source, string target, CancellationToken cancellationToken)
    {
        var purpose = new ModelCallPurpose(studyId, ModelCapabilities.Translation, ValueTranslationPrompt.Prompt);
        var provenance = calls.ProvenanceFor(purpose);
        var response = await calls.GetResponseAsync(purpose,
            [new ChatMessage(ChatRole.System, ValueTranslationPrompt.Prompt.Text), new ChatMessage(ChatRole.User, UserMessage(value, source, target))],
            calls.ChatOptions(o => o.ResponseFormat = ChatResponseFormat.Json), cancellationToken);
        var translation = Read(response.Text, value.Policies.Count, out var problem);
        return new TranslationReply(translation, problem, provenance);
    }

    private static string UserMessage(CanonicalValue value, string source, string target)
    {
        var card = JsonSerializer.Serialize(new { title = value.Title, description = value.Description, policies = value.Policies }, CardJson);
        return $"""
            Translate from {LanguageName(source)} into {LanguageName(target)}.

            {PromptMaterial.Wrap("card", card)}
            """;
    }

    // "Spanish (es)": the English name helps the model, the tag removes any doubt.
    private static string LanguageName(string tag)
    {
        try
        {
            var name = CultureInfo.GetCultureInfo(tag).EnglishName;
            return string.IsNullOrWhiteSpace(name) || name.Equals(tag, StringComparison.OrdinalIgnoreCase) ? tag : $"{name} ({tag})";
        }
        catch (CultureNotFoundException)
        {
            return tag;
        }
    }

    // Markup is taken out; the length is left whole (clipping at an impossible limit), so Read can refuse an over-long one.
    private static string Plain(string? text) => ModelOutput.PlainText(text, int.MaxValue);

    // The value speaks with its earliest remaining card's words, whose author is its first member: the one translated.
    private static IReadOnlyList<string>? QuotedBy(CanonicalValue value) => value.Members.Count > 0 ? [value.Members[0].ParticipantId] : null;

    private sealed record TranslationReply(TranslatedCard? Translation, string? Problem, ModelProvenance Provenance);

    private sealed class Tally
    {
        public int Stored { get; set; }

        public int GivenUp { get; set; }

        public int FailedCalls { get; set; }

        public SortedDictionary<string, int> Rejected { get; } = new(StringComparer.Ordinal);

        public HashSet<string> CallFailures { get; } = new(StringComparer.Ordinal);

        public List<string> Notes { get; } = [];

        public string Outcome()
        {
            var parts = new List<string> { $"Stored {Stored} translation(s)." };
            if (Rejected.Count > 0)
            {
                parts.Add($"Skipped {Rejected.Values.Sum()} unusable answer(s): {string.Join(", ", Rejected.Select(r => $"{r.Value} {r.Key}"))}.");
            }

            if (GivenUp > 0)
            {
                parts.Add($"{GivenUp} translation(s) not asked for again after {MaxRejectedReplies} unusable answers.");
            }

            if (FailedCalls > 0)
            {
                parts.Add($"{FailedCalls} call(s) failed: {string.Join("; ", CallFailures)}.");
            }

            return string.Join(' ', parts.Concat(Notes));
        }
    }
}

/// <summary>A value's words as a model translated them, checked and made plain.</summary>
/// <param name="Title">The title.</param>
/// <param name="Description">The description.</param>
/// <param name="Policies">The policies, as many as the original's.</param>
internal sealed record TranslatedCard(string Title, string Description, IReadOnlyList<string> Policies);
