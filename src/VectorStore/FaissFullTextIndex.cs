using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// The keyword side of hybrid search: an SQLite FTS5 table <c>f_{name}_fts</c> over the collection's full-text-indexed
/// string properties (<see cref="DataPropertyModel.IsFullTextIndexed"/>). It is an external-content table over the
/// record table (no second copy of the text), kept current by triggers on the record table, so every write updates it
/// in the write's own transaction, whichever instance, process or connector version writes. It is created with the
/// collection; a collection created before (or by a definition without those properties) gets it on its next
/// <c>EnsureCollectionExistsAsync</c> or hybrid search, built from the stored records in one transaction.
/// </summary>
/// <remarks>
/// Text is split into tokens by FTS5's <c>unicode61</c> tokenizer (letters and digits; case and diacritics folded), so
/// a keyword matches whole tokens: <c>"SKU-4471-B"</c> is the phrase <c>sku 4471 b</c> and matches that identifier
/// exactly, never <c>SKU-4471-C</c>.
/// </remarks>
internal sealed class FaissFullTextIndex
{
    private const string Tokenizer = "unicode61 remove_diacritics 2";

    private readonly string _collectionName;
    private readonly string _recordTable;
    private readonly string _keyColumn;
    private readonly string[] _columns;

    internal FaissFullTextIndex(string collectionName, CollectionModel model)
    {
        _collectionName = collectionName;
        _recordTable = FaissColumnMapping.Quote("c_" + collectionName);
        _keyColumn = FaissColumnMapping.Quote(model.KeyProperty.StorageName);
        _columns = [.. model.DataProperties.Where(p => p.IsFullTextIndexed).Select(p => p.StorageName)];
        foreach (DataPropertyModel property in model.DataProperties.Where(p => p.IsFullTextIndexed))
        {
            if (property.Type != typeof(string))
            {
                throw new NotSupportedException(
                    $"Property '{property.ModelName}' is full-text indexed but is {property.Type.Name}; the FAISS connector full-text indexes string properties only.");
            }

            if (property.StorageName.Equals("rank", StringComparison.OrdinalIgnoreCase) || property.StorageName.Equals("rowid", StringComparison.OrdinalIgnoreCase))
            {
                throw new NotSupportedException(
                    $"Full-text-indexed property '{property.ModelName}' is stored as '{property.StorageName}', a column name SQLite FTS5 reserves; give it another StorageName.");
            }
        }
    }

    /// <summary>Gets the FTS5 table's name for a collection (dropped with it by <see cref="FaissCatalog.Drop"/>).</summary>
    internal static string TableName(string collectionName) => "f_" + collectionName + "_fts";

    private string Table => FaissColumnMapping.Quote(TableName(_collectionName));

    /// <summary>Gets a value indicating whether the table exists and indexes every full-text property of this instance's model.</summary>
    internal bool IsCurrent(SqliteConnection connection, SqliteTransaction? transaction)
    {
        HashSet<string> existing = ExistingColumns(connection, transaction);
        return _columns.All(existing.Contains);
    }

    /// <summary>
    /// Creates the table (or recreates it with the union of its columns and this model's) and its triggers, and builds
    /// it from the stored records; inside the caller's write transaction. Nothing happens when it is already current.
    /// </summary>
    internal void Ensure(SqliteConnection connection, SqliteTransaction transaction)
    {
        HashSet<string> existing = ExistingColumns(connection, transaction);
        if (_columns.All(existing.Contains))
        {
            return;
        }

        List<string> columns = [.. existing.Order(StringComparer.Ordinal), .. _columns.Where(c => !existing.Contains(c))];
        Drop(connection, transaction);
        string quoted = string.Join(", ", columns.Select(FaissColumnMapping.Quote));
        string fromNew = string.Join(", ", columns.Select(c => "new." + FaissColumnMapping.Quote(c)));
        string fromOld = string.Join(", ", columns.Select(c => "old." + FaissColumnMapping.Quote(c)));
        string id = FaissConstants.IdColumn;
        string insert = $"INSERT INTO {Table} (rowid, {quoted}) VALUES (new.{id}, {fromNew});";
        // An external-content table forgets a row by being told the exact values it indexed.
        string delete = $"INSERT INTO {Table} ({Table}, rowid, {quoted}) VALUES ('delete', old.{id}, {fromOld});";
        FaissCatalog.Execute(connection, transaction,
            $"CREATE VIRTUAL TABLE {Table} USING fts5({quoted}, content={Literal("c_" + _collectionName)}, content_rowid={Literal(id)}, tokenize={Literal(Tokenizer)})");
        FaissCatalog.Execute(connection, transaction, $"CREATE TRIGGER {Trigger("insert")} AFTER INSERT ON {_recordTable} BEGIN {insert} END");
        FaissCatalog.Execute(connection, transaction, $"CREATE TRIGGER {Trigger("delete")} AFTER DELETE ON {_recordTable} BEGIN {delete} END");
        FaissCatalog.Execute(connection, transaction, $"CREATE TRIGGER {Trigger("update")} AFTER UPDATE ON {_recordTable} BEGIN {delete} {insert} END");
        FaissCatalog.Execute(connection, transaction, $"INSERT INTO {Table} ({Table}) VALUES ('rebuild')");
    }

    /// <summary>
    /// Finds the records whose <paramref name="column"/> holds any of <paramref name="keywords"/> (each a phrase of
    /// whole tokens) and that pass the translated filter, best BM25 first (ties by id), at most <paramref name="limit"/>.
    /// </summary>
    internal List<(long Id, object? Key)> Search(
        SqliteConnection connection, PropertyModel keyProperty, string column, IEnumerable<string> keywords,
        (string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters)? filter, int limit)
    {
        string query = string.Join(" OR ", keywords.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => "\"" + k.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        if (query.Length == 0)
        {
            return [];
        }

        string id = FaissConstants.IdColumn;
        using SqliteCommand command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT t.{id}, t.{_keyColumn} FROM {Table} JOIN {_recordTable} AS t ON t.{id} = {Table}.rowid ");
        sql.Append($"WHERE {Table}.{FaissColumnMapping.Quote(column)} MATCH @keywords ");
        if (filter is { } f)
        {
            sql.Append("AND ").Append(f.Sql).Append(' ');
            foreach (KeyValuePair<string, object> parameter in f.Parameters)
            {
                command.Parameters.AddWithValue(parameter.Key, parameter.Value);
            }
        }

        sql.Append($"ORDER BY bm25({Table}), t.{id} LIMIT @limit");
        command.CommandText = sql.ToString();
        command.Parameters.AddWithValue("@keywords", query);
        command.Parameters.AddWithValue("@limit", limit);
        using SqliteDataReader reader = command.ExecuteReader();
        var hits = new List<(long, object?)>();
        while (reader.Read())
        {
            hits.Add((reader.GetInt64(0), FaissColumnMapping.FromDb(reader.GetValue(1), keyProperty.Type)));
        }

        return hits;
    }

    /// <summary>Drops the table and its triggers if they exist.</summary>
    internal void Drop(SqliteConnection connection, SqliteTransaction transaction)
    {
        foreach (string action in (string[])["insert", "delete", "update"])
        {
            FaissCatalog.Execute(connection, transaction, $"DROP TRIGGER IF EXISTS {Trigger(action)}");
        }

        FaissCatalog.Execute(connection, transaction, $"DROP TABLE IF EXISTS {Table}");
    }

    private HashSet<string> ExistingColumns(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT name FROM pragma_table_info(@table)";
        command.Parameters.AddWithValue("@table", TableName(_collectionName));
        using SqliteDataReader reader = command.ExecuteReader();
        var columns = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private string Trigger(string action) => FaissColumnMapping.Quote(TableName(_collectionName) + "_" + action);

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
