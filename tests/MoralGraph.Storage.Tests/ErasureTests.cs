using System.Text;
using MoralGraph.Core.Erasure;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.EventLog;
using MoralGraph.Storage.Snapshots;

namespace MoralGraph.Storage.Tests;

/// <summary>
/// Crypto-shredding over real LiteDB files: participants' words are stored encrypted with their own key, and once a
/// withdrawal destroys the key no file beside the store holds them, while the chain still verifies.
/// </summary>
public sealed class ErasureTests : IDisposable
{
    private const string Slug = "s";
    private const string LeaverMarker = "QUOKKA-LEAVER-4417";
    private const string StayerMarker = "PANGOLIN-STAYER-9902";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("moralgraph-erasure-");

    private string DatabasePath => Path.Combine(_folder.FullName, "store.db");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task After_a_withdrawal_no_file_of_the_store_holds_the_participants_words_and_the_chain_still_verifies()
    {
        using (var log = new LiteDbEventLog(DatabasePath))
        using (var states = new StudyStates(log, new FileStudySnapshotStore(FileStudySnapshotStore.FolderBeside(DatabasePath))))
        {
            await states.AppendAllAsync([TestEvents.Defined(), .. Journey("leaver", LeaverMarker), .. Journey("stayer", StayerMarker)]);

            // A snapshot taken before the withdrawal holds the words in clear, as the live state does.
            Assert.True(await states.WriteSnapshotAsync(Slug));
            Assert.Contains(LeaverMarker, ReadAllFiles(), StringComparison.Ordinal);

            await states.AppendAsync(Withdrew("leaver"));
            Assert.Contains(Slug, states.SnapshotsDue());
            Assert.True(await states.WriteSnapshotAsync(Slug));
            var verification = await log.VerifyAsync();

            Assert.True(verification.IsIntact, verification.Problem);
        }

        Assert.Equal([], FilesContaining(LeaverMarker));
        // Snapshots are the live state, in clear, of those who stay; the store's own files hold ciphertext only.
        Assert.Equal([Path.Combine("snapshots", "s.snapshot.json")], FilesContaining(StayerMarker));
        using var reopened = new LiteDbEventLog(DatabasePath);
        var texts = Texts(await reopened.ReadStudyAsync(Slug));
        Assert.Contains(texts, t => t.Contains(StayerMarker, StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains(LeaverMarker, StringComparison.Ordinal));
        Assert.Contains(ParticipantText.Withdrawn, texts);
        Assert.True((await reopened.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_destroyed_keys_bytes_are_in_neither_the_key_file_nor_its_log_while_a_kept_keys_bytes_are()
    {
        byte[] destroyed, kept;
        string keysPath;
        using (var log = new LiteDbEventLog(DatabasePath))
        {
            await log.AppendAllAsync([TestEvents.Defined(), .. Journey("leaver", LeaverMarker), .. Journey("stayer", StayerMarker)]);
            keysPath = log.KeyStorePath!;
            destroyed = [.. log.KeyStore!.GetOrCreate(Slug, "leaver").Material!];
            kept = [.. log.KeyStore.GetOrCreate(Slug, "stayer").Material!];

            await log.AppendAsync(Withdrew("leaver"));

            Assert.True(log.KeyStore.GetOrCreate(Slug, "leaver").IsDestroyed);
            Assert.False(ContainsBytes(KeyFiles(keysPath), destroyed));
        }

        Assert.False(ContainsBytes(KeyFiles(keysPath), destroyed));
        Assert.True(ContainsBytes(KeyFiles(keysPath), kept));
    }

    [Fact]
    public async Task A_withdrawal_recorded_before_a_crash_took_the_key_has_its_key_destroyed_when_the_store_opens()
    {
        var keysPath = Path.Combine(_folder.FullName, "store-keys.db");
        using (var log = new LiteDbEventLog(DatabasePath))
        {
            await log.AppendAllAsync([TestEvents.Defined(), .. Journey("leaver", LeaverMarker)]);
        }

        // The withdrawal reaches the log, the key file is never told: what a kill between the two leaves.
        using (var crashed = new LiteDbEventLog(DatabasePath, 8 * 1024 * 1024, keysPath: null))
        {
            await crashed.AppendAsync(Withdrew("leaver"));
        }

        using var reopened = new LiteDbEventLog(DatabasePath);
        var texts = Texts(await reopened.ReadStudyAsync(Slug));

        Assert.True(reopened.KeyStore!.GetOrCreate(Slug, "leaver").IsDestroyed);
        Assert.DoesNotContain(texts, t => t.Contains(LeaverMarker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_state_read_again_after_a_restart_equals_the_live_state_after_the_withdrawal()
    {
        byte[] live;
        using (var log = new LiteDbEventLog(DatabasePath))
        using (var states = new StudyStates(log, new NoStudySnapshots()))
        {
            await states.AppendAllAsync([TestEvents.Defined(), .. Journey("leaver", LeaverMarker), .. Journey("stayer", StayerMarker)]);
            await states.AppendAsync(Edited("card-leaver", "QUOKKA-LEAVER-4417 corrected"));
            await states.AppendAsync(Withdrew("leaver"));
            live = (await states.ReadAsync(Slug, state => state.Capture().ToJsonBytes()))!;
        }

        using var reopened = new LiteDbEventLog(DatabasePath);
        using var restarted = new StudyStates(reopened, new NoStudySnapshots());
        var replayed = (await restarted.ReadAsync(Slug, state => state.Capture().ToJsonBytes()))!;

        Assert.Equal(Encoding.UTF8.GetString(live), Encoding.UTF8.GetString(replayed));
        Assert.DoesNotContain(LeaverMarker, Encoding.UTF8.GetString(replayed), StringComparison.Ordinal);
        Assert.Contains(StayerMarker, Encoding.UTF8.GetString(replayed), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_facilitators_edit_that_does_not_name_the_author_is_encrypted_with_the_authors_key()
    {
        using (var log = new LiteDbEventLog(DatabasePath))
        {
            await log.AppendAllAsync([TestEvents.Defined(), .. Journey("leaver", "plain words")]);
            await log.AppendAsync(Edited("card-leaver", $"{LeaverMarker} corrected"));
            var edit = Assert.Single(await log.ReadStudyAsync(Slug), e => e.Event is CardEdited);

            Assert.DoesNotContain(LeaverMarker, edit.PayloadJson, StringComparison.Ordinal);
            Assert.Equal($"{LeaverMarker} corrected", ((CardEdited)edit.Event).Title);
            await log.AppendAsync(Withdrew("leaver"));
        }

        Assert.DoesNotContain(LeaverMarker, ReadAllFiles(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_whose_key_file_is_missing_is_refused_with_the_file_named_rather_than_read_as_withdrawn()
    {
        using (var log = new LiteDbEventLog(DatabasePath))
        {
            await log.AppendAllAsync([TestEvents.Defined(), .. Journey("stayer", StayerMarker)]);
        }

        File.Move(Path.Combine(_folder.FullName, "store-keys.db"), Path.Combine(_folder.FullName, "elsewhere.db"));

        var refusal = Assert.Throws<InvalidOperationException>(() => new LiteDbEventLog(DatabasePath));
        Assert.Contains("store-keys.db", refusal.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder.FullName, "store-keys.db")));
    }

    internal static StudyEvent[] Journey(string participant, string words) =>
    [
        new ParticipantJoined(participant, $"hash-{participant}", "consent-v1", "en", null) { StudyId = Slug, OccurredAt = TestEvents.T0, Actor = participant },
        new QuestionChosen(participant, "q") { StudyId = Slug, OccurredAt = TestEvents.T0, Actor = participant },
        new InterviewMessagePosted(participant, "q", new InterviewMessage(0, InterviewRole.Interviewer, "Tell me a story.", InterviewStage.Story)) { StudyId = Slug, OccurredAt = TestEvents.T0, Actor = participant },
        new InterviewMessagePosted(participant, "q", new InterviewMessage(1, InterviewRole.Participant, $"My story: {words}", InterviewStage.Story)) { StudyId = Slug, OccurredAt = TestEvents.T0, Actor = participant },
        new CardDraftSaved(participant, "q", $"{words} draft", "A draft.", [$"MOMENTS of {words}"]) { StudyId = Slug, OccurredAt = TestEvents.T0, Actor = participant },
        new CardSubmitted($"card-{participant}", participant, "q", $"{words} title", $"{words} description", [$"MOMENTS of {words}"]) { StudyId = Slug, OccurredAt = TestEvents.T0, Actor = participant },
        new VoteCast(new WiserThanVote($"vote-{participant}", participant, "v1", "v2", new ContextRef("q", "c"), Verdict.Wiser, $"Because {words}", "A story.", TestEvents.T0)) { StudyId = Slug, OccurredAt = TestEvents.T0, Actor = participant },
    ];

    internal static ParticipantWithdrew Withdrew(string participant) => new(participant) { StudyId = Slug, OccurredAt = TestEvents.T0.AddMinutes(5), Actor = participant };

    private static CardEdited Edited(string cardId, string title) =>
        new(cardId, title, "Corrected.", ["MOMENTS corrected"], "Typo.") { StudyId = Slug, OccurredAt = TestEvents.T0.AddMinutes(1), Actor = "facilitator" };

    private static List<string> Texts(IReadOnlyList<RecordedEvent> events)
    {
        var texts = new List<string>();
        foreach (var recorded in events)
        {
            recorded.Event.MapParticipantText((_, text) =>
            {
                texts.Add(text);
                return text;
            });
        }

        return texts;
    }

    /// <summary>Every file in the store's folder and below, as Latin-1 text: what <c>grep -a</c> would search.</summary>
    private string ReadAllFiles() => string.Concat(Directory.EnumerateFiles(_folder.FullName, "*", SearchOption.AllDirectories)
        .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).Select(f => Encoding.Latin1.GetString(ReadShared(f))));

    private List<string> FilesContaining(string marker) => [.. Directory.EnumerateFiles(_folder.FullName, "*", SearchOption.AllDirectories)
        .Where(f => Encoding.Latin1.GetString(ReadShared(f)).Contains(marker, StringComparison.Ordinal)).Select(f => Path.GetRelativePath(_folder.FullName, f))];

    private static IEnumerable<byte[]> KeyFiles(string keysPath) =>
        new[] { keysPath, Path.ChangeExtension(keysPath, null) + "-log.db" }.Where(File.Exists).Select(ReadShared);

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool ContainsBytes(IEnumerable<byte[]> files, byte[] needle) => files.Any(f => f.AsSpan().IndexOf(needle) >= 0);
}
