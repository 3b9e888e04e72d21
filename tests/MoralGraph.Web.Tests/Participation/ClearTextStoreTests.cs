using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Storage.EventLog;
using MoralGraph.Web.Tests.Live;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>A store written before participants' words were encrypted: the app runs on it and says how to migrate it.</summary>
public sealed class ClearTextStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task Starting_on_a_store_with_words_in_clear_text_warns_with_the_migration_command(bool encrypted, bool warns)
    {
        var folder = TestFolder.Create();
        try
        {
            var path = Path.Combine(folder, "moralgraph.db");
            using (var log = encrypted ? new LiteDbEventLog(path) : new LiteDbEventLog(path, 8 * 1024 * 1024, keysPath: null))
            {
                await log.AppendAllAsync(
                [
                    new StudyDefined(new Study("old", "Old study", "", [new Question("q", "Q", "Prompt?", [new StudyContext("c", "When testing")])], [], ["en"], StudyPhase.Interviewing, 3))
                    { StudyId = "old", OccurredAt = T0, Actor = "owner" },
                    new CardSubmitted("c-1", "p-1", "q", "Old words", "Written before encryption.", ["MOMENTS a", "CHOICES b", "SIGNS c"]) { StudyId = "old", OccurredAt = T0, Actor = "p-1" },
                ]);
            }

            await using var app = new MoralGraphAppFactory(folder);
            var states = app.Services.GetRequiredService<StudyStates>();
            bool Warned() => app.Logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains("moralgraph store encrypt --db", StringComparison.Ordinal));
            if (warns)
            {
                await FeedReading.EventuallyAsync(Warned, "the warning about words in clear text");
            }
            else
            {
                // The warning comes right after every study is read at start; an encrypted store's start gives none.
                await FeedReading.EventuallyAsync(() => states.LoadedCount > 0, "the study read at start");
                await Task.Delay(500);
                Assert.False(Warned());
            }

            Assert.Equal("Old words", (await states.ReadAsync("old", state => state.FindCard("c-1")?.Title)));
        }
        finally
        {
            TestFolder.Delete(folder);
        }
    }
}
