using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// Keeps each CLI collection's <see cref="StoreSchema"/> in table <c>embeddinggemma_collections</c> of the store's own
/// SQLite file, beside the connector's tables, so the schema travels with the records.
/// </summary>
internal static class StoreCatalog
{
    private const string Table = "embeddinggemma_collections";

    /// <summary>Reads a collection's schema; <see langword="null"/> when the CLI never wrote one.</summary>
    /// <exception cref="InvalidDataException">The store is not a readable SQLite file, or the schema is damaged.</exception>
    public static StoreSchema? Read(string storePath, string collection)
    {
        string? json = Use(storePath, SqliteOpenMode.ReadWrite, connection =>
        {
            using SqliteCommand exists = connection.CreateCommand();
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @table";
            exists.Parameters.AddWithValue("@table", Table);
            if ((long)exists.ExecuteScalar()! == 0)
            {
                return null;
            }

            using SqliteCommand select = connection.CreateCommand();
            select.CommandText = $"SELECT schema FROM {Table} WHERE name = @name";
            select.Parameters.AddWithValue("@name", collection);
            return select.ExecuteScalar() as string;
        });
        try
        {
            return json is null ? null
                : JsonSerializer.Deserialize(json, CliJsonContext.Default.StoreSchema) ?? throw new JsonException("null schema");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The saved schema of collection '{collection}' in '{storePath}' is damaged ({ex.Message}).", ex);
        }
    }

    /// <summary>Saves (or replaces) a collection's schema.</summary>
    public static void Write(string storePath, string collection, StoreSchema schema) => Use<object?>(storePath, SqliteOpenMode.ReadWriteCreate, connection =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"CREATE TABLE IF NOT EXISTS {Table} (name TEXT PRIMARY KEY, schema TEXT NOT NULL); "
            + $"INSERT OR REPLACE INTO {Table} (name, schema) VALUES (@name, @schema)";
        command.Parameters.AddWithValue("@name", collection);
        command.Parameters.AddWithValue("@schema", JsonSerializer.Serialize(schema, CliJsonContext.Default.StoreSchema));
        command.ExecuteNonQuery();
        return null;
    });

    private static T Use<T>(string storePath, SqliteOpenMode mode, Func<SqliteConnection, T> action)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = storePath, Mode = mode, Pooling = false, DefaultTimeout = 60 };
        try
        {
            using var connection = new SqliteConnection(builder.ToString());
            connection.Open();
            return action(connection);
        }
        catch (SqliteException ex)
        {
            throw new InvalidDataException($"Store '{storePath}' can't be read as an SQLite store: {ex.Message}", ex);
        }
    }
}
