using System.Text;
using MoralGraph.Core.Erasure;
using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.Erasure;
using MoralGraph.Storage.EventLog;
using static MoralGraph.Storage.Tests.ErasureTests;

namespace MoralGraph.Storage.Tests;

/// <summary>The one-off migration of a store written in clear text (<c>moralgraph store encrypt</c>).</summary>
public sealed class StoreEncryptionTests : IDisposable
{
    private const string LeaverMarker = "WOMBAT-LEAVER-2290";
    private const string StayerMarker = "AXOLOTL-STAYER-5531";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("moralgraph-encrypt-");

    private string DatabasePath => Path.Combine(_folder.FullName, "store.db");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task A_store_in_clear_text_is_rewritten_encrypted_and_a_later_withdrawal_leaves_no_word_in_it()
    {
        string oldHead;
        using (var clear = new LiteDbEventLog(DatabasePath, 8 * 1024 * 1024, keysPath: null))
        {
            await clear.AppendAllAsync([TestEvents.Defined(), .. Journey("leaver", LeaverMarker), .. Journey("stayer", StayerMarker)]);
            var verified = await clear.VerifyAsync();
            oldHead = $"{verified.EventCount}:{verified.HeadHash}";
        }

        Assert.Contains(LeaverMarker, Latin1(DatabasePath), StringComparison.Ordinal);
        using (var upgraded = new LiteDbEventLog(DatabasePath))
        {
            Assert.False(upgraded.HasReadClearText);
            await upgraded.ReadStudyAsync("s");
            Assert.True(upgraded.HasReadClearText);
        }

        var result = await StoreEncryption.EncryptAsync(DatabasePath);

        Assert.True(result.Rewritten);
        Assert.Equal(oldHead, result.OldHead);
        Assert.NotEqual(result.OldHead, result.NewHead);
        Assert.Equal(10, result.ClearTextEvents);
        Assert.Contains(LeaverMarker, Latin1(result.BackupPath!), StringComparison.Ordinal);
        Assert.DoesNotContain(LeaverMarker, Latin1(DatabasePath), StringComparison.Ordinal);

        var again = await StoreEncryption.EncryptAsync(DatabasePath);
        Assert.False(again.Rewritten);
        Assert.Equal(result.NewHead, again.NewHead);

        using (var encrypted = new LiteDbEventLog(DatabasePath))
        {
            Assert.Equal(oldHead, encrypted.RewrittenFrom);
            var card = (CardSubmitted)Assert.Single(await encrypted.ReadStudyAsync("s"), e => e.Event is CardSubmitted { ParticipantId: "leaver" }).Event;
            Assert.False(encrypted.HasReadClearText);
            Assert.Equal($"{LeaverMarker} title", card.Title);
            await encrypted.AppendAsync(Withdrew("leaver"));
            Assert.True((await encrypted.VerifyAsync()).IsIntact);
        }

        var storeFiles = Directory.EnumerateFiles(_folder.FullName, "*", SearchOption.AllDirectories).Where(f => f != result.BackupPath).ToList();
        Assert.DoesNotContain(storeFiles, f => Latin1(f).Contains(LeaverMarker, StringComparison.Ordinal));
        using var reopened = new LiteDbEventLog(DatabasePath);
        Assert.Contains(await reopened.ReadStudyAsync("s"), e => e.Event is CardSubmitted { ParticipantId: "stayer" } card && card.Title.Contains(StayerMarker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_withdrawal_recorded_before_the_migration_leaves_no_word_in_the_encrypted_store()
    {
        using (var clear = new LiteDbEventLog(DatabasePath, 8 * 1024 * 1024, keysPath: null))
        {
            await clear.AppendAllAsync([TestEvents.Defined(), .. Journey("leaver", LeaverMarker), Withdrew("leaver")]);
        }

        await StoreEncryption.EncryptAsync(DatabasePath);

        Assert.DoesNotContain(LeaverMarker, Latin1(DatabasePath), StringComparison.Ordinal);
        using var encrypted = new LiteDbEventLog(DatabasePath);
        Assert.DoesNotContain(await encrypted.ReadStudyAsync("s"), e => EventHashChain.Serialize(e.Event).Contains(LeaverMarker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stories_stored_before_encryption_that_quote_a_value_are_encrypted_with_its_authors_key_and_go_with_their_withdrawal()
    {
        var item = new VoteItem("i0", new ContextRef("q", "c"), "card-stayer", "card-leaver", $"Someone moved to {LeaverMarker} title.");
        using (var clear = new LiteDbEventLog(DatabasePath, 8 * 1024 * 1024, keysPath: null))
        {
            await clear.AppendAllAsync(
            [
                TestEvents.Defined(), .. Journey("leaver", LeaverMarker), .. Journey("stayer", StayerMarker),
                new VoteItemsDrawn("stayer", 0, [item]) { StudyId = "s", OccurredAt = TestEvents.T0, Actor = "stayer" },
                new VoteCast(new WiserThanVote(item.VoteIdFor("stayer"), "stayer", item.FromValueId, item.ToValueId, item.Context, Verdict.Wiser, null, item.Story, TestEvents.T0))
                { StudyId = "s", OccurredAt = TestEvents.T0, Actor = "stayer" },
            ]);
        }

        await StoreEncryption.EncryptAsync(DatabasePath);
        using (var encrypted = new LiteDbEventLog(DatabasePath))
        {
            var drawn = (VoteItemsDrawn)Assert.Single(await encrypted.ReadStudyAsync("s"), e => e.Event is VoteItemsDrawn).Event;
            Assert.Equal(item.Story, Assert.Single(drawn.Items).Story);
            Assert.Equal(["stayer", "leaver"], Assert.Single(drawn.Items).QuotedParticipants!);
            await encrypted.AppendAsync(Withdrew("leaver"));
        }

        File.Delete(Path.Combine(_folder.FullName, "store.before-encryption.db"));
        Assert.DoesNotContain(Directory.EnumerateFiles(_folder.FullName, "*", SearchOption.AllDirectories), f => Latin1(f).Contains(LeaverMarker, StringComparison.Ordinal));
        using var reopened = new LiteDbEventLog(DatabasePath);
        var story = ((VoteItemsDrawn)Assert.Single(await reopened.ReadStudyAsync("s"), e => e.Event is VoteItemsDrawn).Event).Items[0].Story;
        Assert.Equal(ParticipantText.Withdrawn, story);
    }

    [Fact]
    public async Task A_translation_stored_before_encryption_is_encrypted_with_its_value_authors_key_and_goes_with_their_withdrawal()
    {
        var provenance = new Core.Assistance.ModelProvenance("value-translation", "0123456789abcdef", "llama3.1", 0.2, TestEvents.T0);
        var translation = new Core.Assistance.ValueTranslated("card-leaver", "es", $"{LeaverMarker} título", $"{LeaverMarker} descripción", [$"MOMENTOS de {LeaverMarker}"],
            Core.Assistance.ValueTranslated.HashOf($"{LeaverMarker} title", $"{LeaverMarker} description", [$"MOMENTS of {LeaverMarker}"]), provenance)
        { StudyId = "s", OccurredAt = TestEvents.T0, Actor = "model" };
        using (var clear = new LiteDbEventLog(DatabasePath, 8 * 1024 * 1024, keysPath: null))
        {
            await clear.AppendAllAsync([TestEvents.Defined(), .. Journey("leaver", LeaverMarker), .. Journey("stayer", StayerMarker), translation]);
        }

        await StoreEncryption.EncryptAsync(DatabasePath);
        using (var encrypted = new LiteDbEventLog(DatabasePath))
        {
            var read = (Core.Assistance.ValueTranslated)Assert.Single(await encrypted.ReadStudyAsync("s"), e => e.Event is Core.Assistance.ValueTranslated).Event;
            Assert.Equal((translation.Title, translation.Description), (read.Title, read.Description));
            Assert.Equal(["leaver"], read.Quotes!);
            await encrypted.AppendAsync(Withdrew("leaver"));
        }

        File.Delete(Path.Combine(_folder.FullName, "store.before-encryption.db"));
        Assert.DoesNotContain(Directory.EnumerateFiles(_folder.FullName, "*", SearchOption.AllDirectories), f => Latin1(f).Contains(LeaverMarker, StringComparison.Ordinal));
        using var reopened = new LiteDbEventLog(DatabasePath);
        var erased = (Core.Assistance.ValueTranslated)Assert.Single(await reopened.ReadStudyAsync("s"), e => e.Event is Core.Assistance.ValueTranslated).Event;
        Assert.Equal([ParticipantText.Withdrawn, ParticipantText.Withdrawn, ParticipantText.Withdrawn], [erased.Title, erased.Description, .. erased.Policies]);
    }

    private static string Latin1(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Encoding.Latin1.GetString(copy.ToArray());
    }
}
