using Npgsql;

namespace MoralGraph.Cli.Commands;

/// <summary>Which kind of store a location names.</summary>
internal enum StoreKind
{
    LiteDb,
    PostgreSql,
}

/// <summary>
/// A store as <c>--db</c>, <c>--from</c> or <c>--to</c> names it: <c>litedb:FILE</c> or a bare path for a LiteDB file,
/// <c>postgres:CONNECTION-STRING</c> for a PostgreSQL database. Anything else before a colon is refused as an unknown
/// scheme rather than taken for a file name.
/// </summary>
/// <param name="Kind">LiteDB or PostgreSQL.</param>
/// <param name="Target">The file's path or the connection string.</param>
internal sealed record StoreLocation(StoreKind Kind, string Target)
{
    private static readonly string[] PostgreSqlSchemes = ["postgres:", "postgresql:"];

    public static StoreLocation Parse(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (PostgreSqlSchemes.FirstOrDefault(s => location.StartsWith(s, StringComparison.OrdinalIgnoreCase)) is { } scheme)
        {
            var connectionString = location[scheme.Length..];
            return string.IsNullOrWhiteSpace(connectionString)
                ? throw new CliException("postgres: needs a connection string, e.g. postgres:Host=127.0.0.1;Port=5432;Database=moralgraph;Username=moralgraph")
                : new StoreLocation(StoreKind.PostgreSql, connectionString);
        }

        if (location.StartsWith("litedb:", StringComparison.OrdinalIgnoreCase))
        {
            return new StoreLocation(StoreKind.LiteDb, location["litedb:".Length..]);
        }

        // "C:" is a Windows drive, and a colon after a slash is part of a file name; a word before the first colon is a scheme.
        var colon = location.IndexOf(':', StringComparison.Ordinal);
        if (colon > 1 && location[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') && char.IsAsciiLetter(location[0]))
        {
            throw new CliException($"unknown store scheme '{location[..(colon + 1)]}': name a store as litedb:FILE (or a bare path) or postgres:CONNECTION-STRING.");
        }

        return new StoreLocation(StoreKind.LiteDb, location);
    }

    /// <summary>The store for messages: a file's full path, or a connection string without its password.</summary>
    public string Describe()
    {
        if (Kind == StoreKind.LiteDb)
        {
            return Path.GetFullPath(Target);
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(Target);
            builder.Password = null;
            return "postgres:" + builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "postgres:(a connection string that does not parse)";
        }
    }
}
