using System.Text;
using MoralGraph.Core.Events;
using MoralGraph.Core.Synthetic;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Cli.Tests;

/// <summary><c>moralgraph store encrypt</c>: the documented one-off migration of a store written in clear text.</summary>
public sealed class StoreEncryptCommandTests : IDisposable
{
    private readonly CliSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Store_encrypt_rewrites_a_clear_text_store_once_and_audit_verify_passes_before_and_after_a_withdrawal()
    {
        using (var clear = new LiteDbEventLog(_sandbox.Store, 8 * 1024 * 1024, keysPath: null))
        {
            await clear.AppendAllAsync([.. SyntheticAssembly.Events("assembly", 12, seed: 2)]);
        }

        const string Words = "Words of turn 3 from sp-000001.";
        Assert.Contains(Words, RawText(_sandbox.Store), StringComparison.Ordinal);

        var encrypted = await _sandbox.RunAsync("store", "encrypt");
        var again = await _sandbox.RunAsync("store", "encrypt");
        var verified = await _sandbox.RunAsync("audit", "verify");

        Assert.Equal(0, encrypted.ExitCode);
        Assert.Contains("before-encryption", encrypted.Output, StringComparison.Ordinal);
        Assert.Contains("shred -u", encrypted.Output, StringComparison.Ordinal);
        Assert.Equal((0, string.Empty), (again.ExitCode, again.Error));
        Assert.Contains("Nothing to do", again.Output, StringComparison.Ordinal);
        Assert.Equal(0, verified.ExitCode);
        Assert.DoesNotContain(Words, RawText(_sandbox.Store), StringComparison.Ordinal);
        Assert.Contains(Words, RawText(_sandbox.PathOf("store.before-encryption.db")), StringComparison.Ordinal);
        Assert.Equal(0, (await _sandbox.RunAsync("audit", "replay")).ExitCode);

        using (var log = new LiteDbEventLog(_sandbox.Store))
        {
            Assert.Contains(await log.ReadStudyAsync("assembly"), e => e.Event is InterviewMessagePosted { Message.Text: Words });
            await log.AppendAsync(new ParticipantWithdrew("sp-000001") { StudyId = "assembly", OccurredAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), Actor = "sp-000001" });
        }

        var afterWithdrawal = await _sandbox.RunAsync("audit", "verify");
        Assert.Equal(0, afterWithdrawal.ExitCode);
        File.Delete(_sandbox.PathOf("store.before-encryption.db"));
        Assert.DoesNotContain(_sandbox.Folder.EnumerateFiles("*", SearchOption.AllDirectories), f => RawText(f.FullName).Contains("from sp-000001.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Store_encrypt_without_a_store_says_so_and_creates_nothing()
    {
        var result = await _sandbox.RunAsync("store", "encrypt");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no store there", result.Error, StringComparison.Ordinal);
        Assert.Empty(_sandbox.Folder.EnumerateFiles());
    }

    private static string RawText(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Encoding.Latin1.GetString(copy.ToArray());
    }
}
