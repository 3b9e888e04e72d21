using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using MoralGraph.Core.Access;

namespace MoralGraph.Cli.Commands;

/// <summary>
/// <c>facilitator add|list</c> and <c>apikey create|list|revoke</c>: the access stream of a store, written while
/// the app is stopped (one process owns a store). The rules are <see cref="AccessChanges"/>'s, shared with the app,
/// and passwords are hashed with the same ASP.NET Core hasher, so the app verifies what this writes.
/// </summary>
internal static class AccessCommands
{
    private const string Actor = "cli";

    private static readonly PasswordHasher<FacilitatorAccount> Hasher = new();

    public static Command Facilitator(Option<string> db, CliConsole console)
    {
        var username = new Argument<string>("USERNAME") { Description = "Login name: letters, digits and . _ - @." };
        var role = new Option<FacilitatorRole>("--role")
        {
            Description = "owner (manages the study and its facilitators), facilitator (moderates, runs phases) or observer (reads).",
            Required = true,
        };
        var study = new Option<string?>("--study") { Description = "The study the role is in (default: every study)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input instead of prompting." };
        var add = new Command("add", "Create a facilitator account with a role (or give an existing one a role).") { username, role, study, passwordStdin };
        add.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var name = parse.GetValue(username)!;
            var scope = parse.GetValue(study) ?? AccessLog.AllStudies;
            var granted = parse.GetValue(role);
            using var log = CommandStore.Open(parse.GetValue(db)!);
            if (scope != AccessLog.AllStudies && !AccessLog.IsReserved(scope))
            {
                // A role in a study the store does not hold would take effect if a study of that slug came later.
                await CommandStore.LoadStudyAsync(log, scope, cancellationToken);
            }

            var state = await ReadAsync(log, cancellationToken);
            var now = DateTimeOffset.UtcNow;
            if (state.Find(name) is { } existing)
            {
                await log.AppendAllAsync([Refusable(() => AccessChanges.Grant(state, existing.Username, scope, granted, Actor, now))], cancellationToken);
                await console.Out.WriteLineAsync($"'{existing.Username}' already has an account (password unchanged): now {Describe(granted, scope)}.");
                return 0;
            }

            Refuse(AccessChanges.UsernameProblem(name));
            var password = parse.GetValue(passwordStdin) ? await ReadPasswordLineAsync(console) : await PromptPasswordAsync(console);
            Refuse(AccessChanges.PasswordProblem(password));
            var hash = Hasher.HashPassword(Nobody, password);
            await log.AppendAllAsync(Refusable(() => AccessChanges.CreateAccount(state, name, hash, scope, granted, Actor, now)), cancellationToken);
            await console.Out.WriteLineAsync($"Created facilitator '{name}', {Describe(granted, scope)}. They sign in at /account/login.");
            return 0;
        }));

        var list = new Command("list", "List the facilitator accounts and their roles.");
        list.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            using var log = CommandStore.OpenExisting(parse.GetValue(db)!);
            var state = await ReadAsync(log, cancellationToken);
            if (state.Accounts.Count == 0)
            {
                await console.Out.WriteLineAsync("No facilitator accounts. Create the first owner with 'moralgraph facilitator add NAME --role owner'.");
                return 0;
            }

            foreach (var account in state.Accounts.OrderBy(a => a.Username, StringComparer.OrdinalIgnoreCase))
            {
                var roles = account.Roles.Count == 0
                    ? "no role"
                    : string.Join(", ", account.Roles.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => Describe(r.Value, r.Key)));
                await console.Out.WriteLineAsync($"{account.Username}{(account.Disabled ? " (disabled)" : string.Empty)}: {roles}");
            }

            return 0;
        }));
        return new Command("facilitator", "Facilitator accounts (stop the app first: one process owns a store).") { add, list };
    }

    public static Command ApiKey(Option<string> db, CliConsole console)
    {
        var study = new Option<string>("--study") { Description = "The study the key reads.", Required = true };
        var label = new Option<string>("--label") { Description = "What the key is for, e.g. \"RL team nightly\".", Required = true };
        var create = new Command("create", "Issue an API key for one study's read endpoints; the key is printed once and only its hash is stored.") { study, label };
        create.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            using var log = CommandStore.OpenExisting(parse.GetValue(db)!);
            var slug = parse.GetValue(study)!;
            await CommandStore.LoadStudyAsync(log, slug, cancellationToken);
            var state = await ReadAsync(log, cancellationToken);
            var (issued, presented) = Refusable(() => AccessChanges.IssueApiKey(state, slug, parse.GetValue(label)!, Actor, DateTimeOffset.UtcNow));
            await log.AppendAllAsync([issued], cancellationToken);
            await console.Out.WriteLineAsync(presented);
            await console.Error.WriteLineAsync($"API key {issued.KeyId} reads study '{slug}'. Copy it now: it is not shown again. Send it as 'Authorization: Bearer <key>'.");
            return 0;
        }));

        var listStudy = new Option<string?>("--study") { Description = "Only the keys of this study." };
        var list = new Command("list", "List API keys (never their secrets).") { listStudy };
        list.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            using var log = CommandStore.OpenExisting(parse.GetValue(db)!);
            var state = await ReadAsync(log, cancellationToken);
            var only = parse.GetValue(listStudy);
            foreach (var key in state.ApiKeys.Where(k => only is null || k.Scope == only).OrderBy(k => k.IssuedAt))
            {
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{key.KeyId}  {key.Scope}  {key.Label}  issued {key.IssuedAt:yyyy-MM-dd} by {key.IssuedBy}{(key.Revoked ? "  REVOKED" : string.Empty)}"));
            }

            return 0;
        }));

        var keyId = new Argument<string>("KEYID") { Description = "The key's id (the 16 hex digits after mgk_)." };
        var revoke = new Command("revoke", "Revoke an API key; it stops working at once (restart the app if it is running on another store copy).") { keyId };
        revoke.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            using var log = CommandStore.OpenExisting(parse.GetValue(db)!);
            var state = await ReadAsync(log, cancellationToken);
            var id = parse.GetValue(keyId)!;
            await log.AppendAllAsync([Refusable(() => AccessChanges.RevokeApiKey(state, id, Actor, DateTimeOffset.UtcNow))], cancellationToken);
            await console.Out.WriteLineAsync($"Revoked API key {id}.");
            return 0;
        }));
        return new Command("apikey", "API keys for ML teams, one study each.") { create, list, revoke };
    }

    // The hasher ignores the account; Identity's interface asks for one.
    private static FacilitatorAccount Nobody { get; } = new(string.Empty, string.Empty, Disabled: true, new Dictionary<string, FacilitatorRole>());

    private static string Describe(FacilitatorRole role, string scope) =>
        $"{role.ToString().ToLowerInvariant()} of {(scope == AccessLog.AllStudies ? "all studies" : $"study '{scope}'")}";

    private static async Task<AccessState> ReadAsync(CliStore log, CancellationToken cancellationToken) =>
        AccessState.Replay((await log.ReadStudyAsync(AccessLog.StreamId, cancellationToken)).Select(r => r.Event));

    private static T Refusable<T>(Func<T> change)
    {
        try
        {
            return change();
        }
        catch (AccessChangeRefusedException e)
        {
            throw new CliException(e.Message);
        }
    }

    private static void Refuse(string? problem)
    {
        if (problem is not null)
        {
            throw new CliException(problem);
        }
    }

    private static async Task<string> ReadPasswordLineAsync(CliConsole console) =>
        await console.In.ReadLineAsync() is { } line ? line.TrimEnd('\r') : throw new CliException("--password-stdin: standard input was empty.");

    /// <summary>Asks twice on the terminal without echoing.</summary>
    private static async Task<string> PromptPasswordAsync(CliConsole console)
    {
        if (!console.IsInteractive)
        {
            throw new CliException("no terminal to ask for the password on: pipe it in with --password-stdin.");
        }

        var first = await ReadHiddenAsync(console, $"Password (at least {AccessChanges.MinimumPasswordLength} characters): ");
        Refuse(AccessChanges.PasswordProblem(first));
        var second = await ReadHiddenAsync(console, "Password again: ");
        return first == second ? first : throw new CliException("the two passwords differ.");
    }

    private static async Task<string> ReadHiddenAsync(CliConsole console, string prompt)
    {
        await console.Error.WriteAsync(prompt);
        var typed = new StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        await console.Error.WriteLineAsync();
        return typed.ToString();
    }
}
