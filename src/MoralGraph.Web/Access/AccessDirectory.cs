using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using MoralGraph.Core.Access;
using MoralGraph.Core.Events;

namespace MoralGraph.Web.Access;

/// <summary>
/// Who may do what, for the whole app: the <see cref="AccessState"/> replayed from the access stream at start, and
/// every change to accounts, roles and API keys. All of the app's access writes go through here, one at a time, so
/// the state it hands out is always the log's. The rules are <see cref="AccessChanges"/>'s, shared with the CLI.
/// </summary>
public sealed partial class AccessDirectory(IEventLog log, IStudyCatalog catalog, TimeProvider time, ILogger<AccessDirectory> logger) : IDisposable
{
    private static readonly FacilitatorAccount Nobody = new(string.Empty, string.Empty, Disabled: true, new Dictionary<string, FacilitatorRole>());

    // The CLI hashes with the same hasher and defaults (PBKDF2, Identity's V3 format), so each verifies the other's hashes.
    private static readonly PasswordHasher<FacilitatorAccount> Hasher = new();

    // Verified against when the account does not exist, so a wrong username takes as long as a wrong password.
    private static readonly string AbsentAccountHash = Hasher.HashPassword(Nobody, "not a password anybody has");

    private readonly SemaphoreSlim _gate = new(1, 1);
    private List<StudyEvent> _events = [];

    // Replaced whole after each change, never mutated once published: readers on other threads need no lock.
    private volatile AccessState? _state;

    // Counts what other app instances changed (over a shared log): a change made meanwhile must not publish a state without it.
    private int _othersChanges;

    /// <summary>
    /// Another app instance changed accounts, roles or keys: the state is read again from the log at its next use, so a
    /// revoked key or a disabled account stops working on every instance.
    /// </summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _othersChanges);
        _state = null;
    }

    /// <summary>The current state, read from the log the first time.</summary>
    public async ValueTask<AccessState> GetStateAsync(CancellationToken cancellationToken = default)
    {
        if (_state is { } state)
        {
            return state;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await LoadedAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The account <paramref name="username"/> if <paramref name="password"/> is its password and it is enabled; otherwise null.</summary>
    /// <remarks>A hash in an outdated format is replaced by a new one (an event by the account itself).</remarks>
    public async Task<FacilitatorAccount?> VerifyPasswordAsync(string? username, string? password, CancellationToken cancellationToken = default)
    {
        var state = await GetStateAsync(cancellationToken);
        if (string.IsNullOrEmpty(password) || state.Find(username) is not { Disabled: false } account)
        {
            Hasher.VerifyHashedPassword(Nobody, AbsentAccountHash, password ?? string.Empty);
            return null;
        }

        switch (Hasher.VerifyHashedPassword(account, account.PasswordHash, password))
        {
            case PasswordVerificationResult.Success:
                return account;
            case PasswordVerificationResult.SuccessRehashNeeded:
                await SetPasswordAsync(account.Username, password, account.Username, cancellationToken);
                return (await GetStateAsync(cancellationToken)).Find(account.Username);
            default:
                return null;
        }
    }

    /// <summary>Creates an account with one role; the password must meet <see cref="AccessChanges.PasswordProblem"/>.</summary>
    public Task CreateAccountAsync(string username, string password, string scope, FacilitatorRole role, string actor, CancellationToken cancellationToken = default)
    {
        var hash = HashChecked(password);
        return ChangeAsync((state, at) => AccessChanges.CreateAccount(state, username, hash, scope, role, actor, at), cancellationToken);
    }

    /// <summary>Creates the owner of every study on an install that has none (the setup page); refused once one exists.</summary>
    public Task CreateFirstOwnerAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        var hash = HashChecked(password);
        return ChangeAsync((state, at) => AccessChanges.CreateFirstOwner(state, username, hash, "setup", at), cancellationToken);
    }

    /// <summary>Sets an account's password. Its existing sign-ins stop working.</summary>
    public Task SetPasswordAsync(string username, string password, string actor, CancellationToken cancellationToken = default)
    {
        var hash = HashChecked(password);
        return ChangeAsync((state, at) => [AccessChanges.ChangePassword(state, username, hash, actor, at)], cancellationToken);
    }

    /// <summary>Gives an account a role in a study (or every study), replacing its role there.</summary>
    public Task GrantAsync(string username, string scope, FacilitatorRole role, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync((state, at) => [AccessChanges.Grant(state, username, scope, role, actor, at)], cancellationToken);

    /// <summary>Takes an account's role in a study (or every study) away.</summary>
    public Task RevokeAsync(string username, string scope, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync((state, at) => [AccessChanges.Revoke(state, username, scope, actor, at)], cancellationToken);

    /// <summary>Disables an account: it can no longer sign in and its existing sign-ins stop working.</summary>
    public Task DisableAsync(string username, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync((state, at) => [AccessChanges.Disable(state, username, actor, at)], cancellationToken);

    /// <summary>Issues an API key reading one existing study and returns the key: the only time it can be shown.</summary>
    public async Task<string> IssueApiKeyAsync(string studySlug, string label, string actor, CancellationToken cancellationToken = default)
    {
        var studies = await catalog.ListAsync(cancellationToken);
        if (!studies.Any(s => s.Slug == studySlug))
        {
            throw new AccessChangeRefusedException($"There is no study '{studySlug}'.") { Code = "NoStudy", Arguments = [studySlug] };
        }

        string presented = string.Empty;
        await ChangeAsync((state, at) =>
        {
            var (issued, key) = AccessChanges.IssueApiKey(state, studySlug, label, actor, at);
            presented = key;
            return [issued];
        }, cancellationToken);
        return presented;
    }

    /// <summary>Revokes an API key; it stops working at once.</summary>
    public Task RevokeApiKeyAsync(string keyId, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync((state, at) => [AccessChanges.RevokeApiKey(state, keyId, actor, at)], cancellationToken);

    public void Dispose() => _gate.Dispose();

    private static string HashChecked(string password)
    {
        if (AccessChanges.PasswordRefusal(password) is { } refusal)
        {
            throw refusal;
        }

        return Hasher.HashPassword(Nobody, password);
    }

    private async Task ChangeAsync(Func<AccessState, DateTimeOffset, IReadOnlyList<StudyEvent>> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var othersChanges = Volatile.Read(ref _othersChanges);
            var state = await LoadedAsync(cancellationToken);
            var events = change(state, time.GetUtcNow());
            if (events.Count == 1)
            {
                await log.AppendAsync(events[0], cancellationToken);
            }
            else
            {
                await log.AppendAllAsync(events, cancellationToken);
            }

            _events = [.. _events, .. events];
            _state = othersChanges == Volatile.Read(ref _othersChanges) ? AccessState.Replay(_events) : null;
            foreach (var accessEvent in events)
            {
                LogChange(accessEvent.GetType().Name, accessEvent.Actor);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the access stream if it has not been read; call holding the gate.</summary>
    private async Task<AccessState> LoadedAsync(CancellationToken cancellationToken)
    {
        if (_state is { } state)
        {
            return state;
        }

        var recorded = await log.ReadStudyAsync(AccessLog.StreamId, cancellationToken);
        _events = [.. recorded.Select(r => r.Event)];
        state = AccessState.Replay(_events);
        _state = state;
        return state;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Access changed: {Change} by {Actor}.")]
    private partial void LogChange(string change, string actor);
}

/// <summary>
/// Reads the access stream when the app starts and, while no account owns the install, issues the setup token and
/// prints the setup link once the server listens (only then are its addresses known).
/// </summary>
internal sealed partial class AccessDirectoryLoader(
    AccessDirectory directory, FirstOwnerSetup setup, IServer server, IHostApplicationLifetime lifetime, IServiceProvider services, ILogger<AccessDirectoryLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Several instances on one log: what another changes in the access stream reaches this one's directory.
        if (services.GetService<StudyStates>() is { } states)
        {
            states.ReservedStreamChanged += stream =>
            {
                if (stream == AccessLog.StreamId)
                {
                    directory.Invalidate();
                }
            };
        }

        var state = await directory.GetStateAsync(cancellationToken);
        if (state.HasOwner)
        {
            return;
        }

        var token = setup.Issue();
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            LogNoOwner(string.Join(" or ", FirstOwnerSetup.Links(addresses, token)));
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "No facilitator owns this install yet. Create the first owner at {SetupLink} (a one-time link: a new one is printed at each start until there is an owner). Or stop the app and run 'moralgraph facilitator add NAME --role owner'.")]
    private partial void LogNoOwner(string setupLink);
}
