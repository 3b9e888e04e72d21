using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MoralGraph.Tests.Servers;

/// <summary>
/// A throwaway PostgreSQL cluster for tests: <c>initdb</c> into a temporary folder, started on a free loopback port with
/// its socket in that folder (so it never meets a system cluster), fsync on, trust authentication on 127.0.0.1. Each test
/// class takes a fresh database (<see cref="CreateDatabaseAsync"/>). Needs the server binaries of Debian's
/// <c>postgresql</c> package (<c>/usr/lib/postgresql/*/bin</c>); <c>.ci/test</c> installs it. PostgreSQL refuses to
/// run as root, so under root the cluster is run as the <c>postgres</c> user.
/// </summary>
public sealed class PostgreSqlServer : IAsyncDisposable
{
    private const string SuperUser = "postgres";
    private static int s_databases;

    private readonly string _bin;
    private readonly string _folder;
    private readonly bool _asPostgresUser;
    private bool _stopped;

    private PostgreSqlServer(string bin, string folder, int port, bool asPostgresUser)
    {
        _bin = bin;
        _folder = folder;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>The port the server listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>A connection string to <paramref name="database"/>.</summary>
    public string ConnectionString(string database = "postgres") =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username={SuperUser};Database={database};Include Error Detail=true");

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>The postmaster's process id (its backends are its children), from <c>postmaster.pid</c>.</summary>
    public int ProcessId => int.Parse(File.ReadLines(Path.Combine(DataFolder, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    /// <summary>Creates a cluster and starts it, waiting until it accepts connections.</summary>
    public static async Task<PostgreSqlServer> StartAsync()
    {
        var bin = FindBinaries();
        var asPostgresUser = Environment.UserName == "root";
        var folder = Directory.CreateTempSubdirectory("moralgraph-pg-").FullName;
        var server = new PostgreSqlServer(bin, folder, FreePort(), asPostgresUser);
        try
        {
            if (asPostgresUser)
            {
                await RunAsync("chown", ["-R", SuperUser, folder]).ConfigureAwait(false);
            }

            // --no-sync only for the throwaway files initdb writes; the running server keeps fsync on.
            await server.RunPostgreSqlAsync("initdb", ["-D", server.DataFolder, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]).ConfigureAwait(false);
            var settings = string.Join('\n',
                "listen_addresses = '127.0.0.1'",
                $"port = {server.Port}",
                $"unix_socket_directories = '{folder}'",
                "fsync = on",
                "synchronous_commit = on",
                "max_connections = 200",
                "");
            await File.AppendAllTextAsync(Path.Combine(server.DataFolder, "postgresql.conf"), settings).ConfigureAwait(false);
            await server.RunPostgreSqlAsync("pg_ctl", ["-D", server.DataFolder, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "start"]).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"test_{Interlocked.Increment(ref s_databases)}_{Guid.NewGuid():N}");
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString());
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        return ConnectionString(name);
    }

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
            {
                await RunPostgreSqlAsync("pg_ctl", ["-D", DataFolder, "-m", "fast", "-w", "stop"]).ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static string FindBinaries()
    {
        var found = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0, Bin: Path.Combine(d, "bin")))
                .Where(d => File.Exists(Path.Combine(d.Bin, "initdb")) && File.Exists(Path.Combine(d.Bin, "pg_ctl")))
                .OrderByDescending(d => d.Version).Select(d => d.Bin).FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            "The PostgreSQL tests need the PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/<version>/bin: install Debian's 'postgresql' package (apt-get install postgresql), as .ci/test does.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunPostgreSqlAsync(string tool, IReadOnlyList<string> arguments) => _asPostgresUser
        ? RunAsync("runuser", ["-u", SuperUser, "--", Path.Combine(_bin, tool), .. arguments])
        : RunAsync(Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output.ConfigureAwait(false)}\n{await error.ConfigureAwait(false)}");
        }
    }
}
