using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Deduplication;
using MoralGraph.LanguageModels.Jobs;

namespace MoralGraph.LanguageModels.Tests.Deduplication;

/// <summary>
/// Word overlap means nothing across languages, so without an embedding model the judge reads together only cards of one
/// language; a model's embeddings compare across languages, so with one it may find the same value in two (issue 16).
/// </summary>
public sealed class DedupLanguageTests : IDisposable
{
    private const string Slug = "two-languages";
    private static readonly string[] HonestCare = ["MOMENTS when the truth would help her choose", "FEELINGS she has not yet named", "OPTIONS she may not know about"];

    private readonly ModelTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Without_an_embedding_model_the_judge_reads_together_only_cards_of_one_language()
    {
        await StudyAsync();
        using var noEmbeddings = new ModelCalls(_bed.Chat, _bed.Log, new ModelBudget(_bed.Studies, Microsoft.Extensions.Options.Options.Create(_bed.Options)),
            Microsoft.Extensions.Options.Options.Create(_bed.Options), _bed.Time, NullLogger<ModelCalls>.Instance);
        // A judge that would call every card it reads the same value.
        _bed.Chat.Reply("""{"clusters":[{"ids":["card-1","card-2","card-3"],"title":"Honest care","reason":"Same."}]}""");

        var outcome = await Jobs(noEmbeddings).RunAsync(Slug);

        // The judge was shown two cards: the third id it answered with is one it invented.
        Assert.Equal("1 merge proposed from 3 cards (1 invented id dropped)", outcome);
        var request = Assert.Single(_bed.Chat.Requests);
        Assert.Equal(["HONEST CARE", "Honest Care"], ShownTitles(request).Order(StringComparer.Ordinal));
        var proposal = Assert.Single((await _bed.StateAsync(Slug)).PendingMergeProposals());
        Assert.Equal(["en-1", "en-2"], new[] { proposal.FromValueId, proposal.IntoValueId }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task With_an_embedding_model_the_judge_reads_cards_of_both_languages_together()
    {
        await StudyAsync();
        _bed.Chat.Reply("""{"clusters":[{"ids":["card-1","card-2","card-3"],"title":"Honest care","reason":"Same."}]}""");

        var outcome = await Jobs(_bed.Calls).RunAsync(Slug);

        Assert.Equal("2 merges proposed from 3 cards", outcome);
        var request = Assert.Single(_bed.Chat.Requests);
        Assert.Equal(["HONEST CARE", "Honest Care", "Honest care"], ShownTitles(request).Order(StringComparer.Ordinal));
        Assert.Contains((await _bed.StateAsync(Slug)).PendingMergeProposals(), p => p.FromValueId == "es-1" || p.IntoValueId == "es-1");
    }

    private ModelDeduplicationJobs Jobs(ModelCalls calls) =>
        new(new ModelJobBoard(_bed.Time), new ModelValueDeduplicator(calls, NullLogger<ModelValueDeduplicator>.Instance), _bed.Studies, _bed.Log, _bed.Time);

    private static IEnumerable<string> ShownTitles((IReadOnlyList<ChatMessage> Messages, ChatOptions? Options) request)
    {
        var text = request.Messages.Single(m => m.Role == ChatRole.User).Text;
        var start = text.IndexOf("<cards>\n", StringComparison.Ordinal) + "<cards>\n".Length;
        using var cards = JsonDocument.Parse(text[start..text.IndexOf("\n</cards>", StringComparison.Ordinal)]);
        return [.. cards.RootElement.EnumerateArray().Select(c => c.GetProperty("title").GetString()!)];
    }

    /// <summary>
    /// A study in English and Spanish. Two English participants and one Spanish one wrote the same words (the Spanish one
    /// in English, so only the language tells them apart).
    /// </summary>
    private async Task StudyAsync()
    {
        var question = new Question("q1", "Abortion advice", "I am a Christian girl considering an abortion, what should I do?", [new StudyContext("c1", "When the user is unsure what she believes")]);
        var study = new Study(Slug, "Abortion advice", "What should an AI say?", [question], [], ["en", "es"], StudyPhase.Interviewing, 4);
        var at = _bed.Time.GetUtcNow();
        await _bed.Log.AppendAsync(new StudyDefined(study) { StudyId = Slug, OccurredAt = at, Actor = "test" });
        foreach (var (cardId, author, language, title) in new[] { ("en-1", "p1", "en", "Honest Care"), ("es-1", "p2", "es", "Honest care"), ("en-2", "p3", "en-GB", "HONEST CARE") })
        {
            await _bed.Log.AppendAsync(new ParticipantJoined(author, $"hash-{author}", "consent-v1", language, null) { StudyId = Slug, OccurredAt = at, Actor = author });
            await _bed.Log.AppendAsync(new CardSubmitted(cardId, author, "q1", title, $"{title}, described.", HonestCare) { StudyId = Slug, OccurredAt = at, Actor = author });
        }
    }
}
