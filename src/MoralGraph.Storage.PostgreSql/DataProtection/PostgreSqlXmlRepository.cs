using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using MoralGraph.Storage.PostgreSql.Schema;
using Npgsql;

namespace MoralGraph.Storage.PostgreSql.DataProtection;

/// <summary>
/// ASP.NET Core's data-protection key ring in the <c>data_protection_keys</c> table, so every app instance on the
/// database protects and unprotects with the same keys (a cookie or antiforgery token issued by one is read by another).
/// Keys are only ever added: the key manager revokes by adding, never by deleting.
/// </summary>
/// <param name="dataSource">The database; its schema is created when absent.</param>
public sealed class PostgreSqlXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
    private readonly SchemaOnce _schema = new(dataSource);

    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // The interface is synchronous (the key manager calls it rarely and caches the ring).
        _schema.EnsureAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var command = _dataSource.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        _schema.EnsureAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var command = _dataSource.CreateCommand("INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@name, @xml)");
        command.Parameters.AddWithValue("name", (object?)friendlyName ?? DBNull.Value);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}
