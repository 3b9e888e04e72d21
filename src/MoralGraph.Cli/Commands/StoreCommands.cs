using System.CommandLine;
using MoralGraph.Storage.Erasure;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Cli.Commands;

internal static class StoreCommands
{
    public static Command Create(Option<string> db, CliConsole console)
    {
        var encrypt = new Command("encrypt", "One-off, with the app stopped: rewrite a store written before participants' words were encrypted so that they are, with a new hash chain that records the old head.");
        encrypt.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var location = StoreLocation.Parse(parse.GetValue(db)!);
            if (location.Kind != StoreKind.LiteDb)
            {
                throw new CliException("store encrypt rewrites a LiteDB file written before encryption; a PostgreSQL store was always written encrypted.");
            }

            var path = Path.GetFullPath(location.Target);
            if (!File.Exists(path))
            {
                throw new CliException($"{path}: no store there.");
            }

            StoreEncryptionResult result;
            try
            {
                result = await StoreEncryption.EncryptAsync(path, cancellationToken);
            }
            catch (StoreInUseException e)
            {
                throw new CliException(e.Message);
            }

            if (!result.Rewritten)
            {
                await console.Out.WriteLineAsync($"Nothing to do: every participant text in {path} is already encrypted ({result.EventCount} events, head {result.NewHead}).");
                return 0;
            }

            await console.Out.WriteLineAsync($"""
                Encrypted the participants' words of {result.ClearTextEvents} of {result.EventCount} events in {path}, with their keys in {LiteDbParticipantKeyStore.PathBeside(path)}.
                The old chain's head {result.OldHead} is recorded in the new store; the new head is {result.NewHead} (keep it for 'audit verify --expect-head').
                The store as it was is kept as {result.BackupPath}: it holds every participant's words in clear text. Check the new store, then delete it (shred -u),
                and delete older backups of the store the same way. Snapshots beside the store were deleted (the app writes new ones).
                """);
            return 0;
        }));
        var from = new Option<string>("--from") { Description = "The store to copy: litedb:FILE (or a path) or postgres:CONNECTION-STRING.", Required = true };
        var to = new Option<string>("--to") { Description = "The empty store to copy it into: litedb:FILE (or a path) or postgres:CONNECTION-STRING.", Required = true };
        var copy = new Command("copy", "Copy a whole store between LiteDB and PostgreSQL, its log byte for byte (so 'audit verify' prints the same head) with the participants' keys; the target must be empty.") { from, to };
        copy.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var copied = await StoreCopy.CopyAsync(parse.GetValue(from)!, parse.GetValue(to)!, cancellationToken);
            await console.Out.WriteLineAsync($"""
                Copied {copied.EventCount} events ({copied.StudyCount} {(copied.StudyCount == 1 ? "study" : "studies")} and the access log) and {copied.KeyCount} participant keys ({copied.DestroyedKeyCount} destroyed: withdrawn participants' words stay unreadable) from {copied.From} to {copied.To}.
                The copy verifies to the source's head. Head: {copied.Head}
                Snapshots were not copied: they are a cache of the log, and the app writes new ones.
                """);
            return 0;
        }));
        return new Command("store", "Maintain the store: encrypt a LiteDB file written in clear, copy a store between LiteDB and PostgreSQL.") { encrypt, copy };
    }
}
