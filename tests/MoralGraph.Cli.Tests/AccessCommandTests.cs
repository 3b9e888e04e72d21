using MoralGraph.Core.Access;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Cli.Tests;

public sealed class AccessCommandTests : IDisposable
{
    private const string Password = "a long enough password";
    private readonly CliSandbox _sandbox = new();

    [Fact]
    public async Task Facilitator_add_creates_an_owner_of_every_study_from_a_piped_password_and_list_shows_it()
    {
        var add = await _sandbox.RunWithInputAsync(Password + "\n", "facilitator", "add", "ana", "--role", "owner", "--password-stdin");
        Assert.True(add.ExitCode == 0, add.Error);
        Assert.Contains("owner of all studies", add.Output, StringComparison.Ordinal);

        var state = await AccessAsync();
        Assert.True(state.HasOwner);
        Assert.DoesNotContain(Password, state.Find("ana")!.PasswordHash, StringComparison.Ordinal);

        var list = await _sandbox.RunAsync("facilitator", "list");
        Assert.Equal("ana: owner of all studies", list.Output.Trim());
    }

    [Fact]
    public async Task A_role_in_one_study_and_a_second_role_for_an_existing_account()
    {
        var dump = _sandbox.WriteMaiDump();
        await _sandbox.RunAsync("import-mai", dump, "--study", "s1");
        await _sandbox.RunAsync("import-mai", dump, "--study", "s2");
        await _sandbox.RunWithInputAsync(Password, "facilitator", "add", "bo", "--role", "observer", "--study", "s1", "--password-stdin");

        var again = await _sandbox.RunAsync("facilitator", "add", "BO", "--role", "facilitator", "--study", "s2");

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("password unchanged", again.Output, StringComparison.Ordinal);
        var state = await AccessAsync();
        Assert.Equal(FacilitatorRole.Observer, state.RoleIn("bo", "s1"));
        Assert.Equal(FacilitatorRole.Facilitator, state.RoleIn("bo", "s2"));
        Assert.Null(state.RoleIn("bo", "s3"));
    }

    [Theory]
    [InlineData("eleven char", "12 characters")]
    [InlineData("", "12 characters")]
    public async Task A_short_password_is_refused_and_nothing_is_written(string password, string message)
    {
        var add = await _sandbox.RunWithInputAsync(password + "\n", "facilitator", "add", "ana", "--role", "owner", "--password-stdin");

        Assert.Equal(1, add.ExitCode);
        Assert.Contains(message, add.Error, StringComparison.Ordinal);
        Assert.Empty((await AccessAsync()).Accounts);
    }

    [Fact]
    public async Task Without_a_terminal_or_password_stdin_add_says_how_to_pipe_the_password()
    {
        var add = await _sandbox.RunAsync("facilitator", "add", "ana", "--role", "owner");

        Assert.Equal(1, add.ExitCode);
        Assert.Contains("--password-stdin", add.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_username_or_role_is_refused()
    {
        Assert.Equal(1, (await _sandbox.RunWithInputAsync(Password, "facilitator", "add", "ana lee", "--role", "owner", "--password-stdin")).ExitCode);
        Assert.NotEqual(0, (await _sandbox.RunWithInputAsync(Password, "facilitator", "add", "ana", "--role", "king", "--password-stdin")).ExitCode);
    }

    [Fact]
    public async Task An_api_key_is_printed_once_stored_as_a_hash_and_revoked_by_its_id()
    {
        _sandbox.WriteMaiDump();
        await _sandbox.RunAsync("import-mai", _sandbox.PathOf("dump"), "--study", "mini");

        var create = await _sandbox.RunAsync("apikey", "create", "--study", "mini", "--label", "RL team");

        Assert.True(create.ExitCode == 0, create.Error);
        var key = create.Output.Trim();
        Assert.StartsWith("mgk_", key, StringComparison.Ordinal);
        var keyId = key.Split('_')[1];
        Assert.Contains(keyId, create.Error, StringComparison.Ordinal);
        var state = await AccessAsync();
        Assert.Equal("mini", state.FindKey(key)!.Scope);
        var list = await _sandbox.RunAsync("apikey", "list");
        Assert.Contains($"{keyId}  mini  RL team", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await _sandbox.RunAsync("apikey", "revoke", keyId)).ExitCode);
        Assert.Null((await AccessAsync()).FindKey(key));
        Assert.Contains("REVOKED", (await _sandbox.RunAsync("apikey", "list")).Output, StringComparison.Ordinal);
        Assert.Equal(1, (await _sandbox.RunAsync("apikey", "revoke", keyId)).ExitCode);
    }

    [Fact]
    public async Task An_api_key_needs_an_existing_study()
    {
        await _sandbox.RunWithInputAsync(Password, "facilitator", "add", "ana", "--role", "owner", "--password-stdin");

        var create = await _sandbox.RunAsync("apikey", "create", "--study", "nope", "--label", "x");

        Assert.Equal(1, create.ExitCode);
        Assert.Contains("no study 'nope'", create.Error, StringComparison.Ordinal);
        Assert.Empty((await AccessAsync()).ApiKeys);
    }

    public void Dispose() => _sandbox.Dispose();

    private async Task<AccessState> AccessAsync()
    {
        if (!File.Exists(_sandbox.Store))
        {
            return new AccessState();
        }

        using var log = new LiteDbEventLog(_sandbox.Store);
        return AccessState.Replay((await log.ReadStudyAsync(AccessLog.StreamId)).Select(r => r.Event));
    }
}
