using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// Keeps each CLI collection's <see cref="StoreSchema"/> in table <c>embeddinggemma_collections</c> of the store's own
/// SQLite file, beside the connector's tables, so the schema travels with the records. It is written in the transaction
/// that creates the collection (<see cref="Claim"/>), so it always describes the table the records are in.
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

    /// <summary>
    /// Runs inside the connector's transaction that creates or finds the collection (under SQLite's write lock): a
    /// created collection gets <paramref name="schema"/> (replacing a deleted namesake's leftover); an existing one must
    /// have this very schema. So two first runs at once can't leave a schema that disagrees with the table.
    /// </summary>
    /// <exception cref="InvalidOperationException">The existing collection has no saved schema, or another one.</exception>
    public static void Claim(SqliteConnection connection, SqliteTransaction transaction, string collection, StoreSchema schema, bool created)
    {
        string json = JsonSerializer.Serialize(schema, CliJsonContext.Default.StoreSchema);
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("@name", collection);
        command.CommandText = $"CREATE TABLE IF NOT EXISTS {Table} (name TEXT PRIMARY KEY, schema TEXT NOT NULL)";
        command.ExecuteNonQuery();
        if (created)
        {
            command.CommandText = $"INSERT OR REPLACE INTO {Table} (name, schema) VALUES (@name, @schema)";
            command.Parameters.AddWithValue("@schema", json);
            command.ExecuteNonQuery();
            return;
        }

        command.CommandText = $"SELECT schema FROM {Table} WHERE name = @name";
        string stored = command.ExecuteScalar() as string ?? throw NotCreatedByIndex(connection.DataSource, collection);
        if (!Same(JsonSerializer.Deserialize(stored, CliJsonContext.Default.StoreSchema), schema))
        {
            throw new InvalidOperationException(
                $"Collection '{collection}' has {Describe(stored)} (saved by the run that created it); this run has {Describe(json)}. "
                + "Index into it with its settings, or use another --collection.");
        }
    }

    /// <summary>The error for a collection that exists without a schema written by <c>index</c>.</summary>
    public static InvalidOperationException NotCreatedByIndex(string storePath, string collection)
        => new($"Collection '{collection}' in '{storePath}' was not created by 'embeddinggemma index' (no saved schema); use another --collection.");

    private static bool Same(StoreSchema? a, StoreSchema b)
        => a is not null && a.Dimensions == b.Dimensions && a.IndexKind == b.IndexKind && a.Variant == b.Variant && a.Fields.SequenceEqual(b.Fields);

    private static string Describe(string json)
    {
        StoreSchema? schema = JsonSerializer.Deserialize(json, CliJsonContext.Default.StoreSchema);
        return schema is null ? json
            : $"{schema.Dimensions} dimensions, index kind {schema.IndexKind}, variant {schema.Variant}, fields {string.Join(", ", schema.FieldNames)}";
    }

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
