using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// The catalog table: one row per collection with its settings, persisted definition, embedding generator identity,
/// incarnation id, a generation counter bumped in the transaction of every write, and the checksum of the one index
/// snapshot that may be trusted. Collection names are exact (ordinal); see <see cref="FindCaseVariant"/>.
/// </summary>
internal static class FaissCatalog
{
    private static readonly ConcurrentDictionary<string, bool> s_ready = new();

    /// <summary>Columns added after the first release, in the order a legacy catalog gets them.</summary>
    private static readonly string[] s_addedColumns = ["uid", "definition", "generator", "snapshot", "vector_snapshots", "vector_generators"];

    private static string Table => FaissColumnMapping.Quote(FaissConstants.CollectionsTable);

    /// <summary>Creates the catalog, or adds the newer columns to a legacy one (under the write lock, once per database and process).</summary>
    internal static void Ensure(SqliteConnection connection)
    {
        if (s_ready.ContainsKey(connection.ConnectionString))
        {
            return;
        }

        if (MissingColumns(connection, null) is not { Count: 0 })
        {
            using SqliteTransaction transaction = connection.BeginTransaction();
            Execute(connection, transaction,
                $"CREATE TABLE IF NOT EXISTS {Table} (name TEXT PRIMARY KEY, dimensions INTEGER NOT NULL, distance TEXT NOT NULL, index_kind TEXT NOT NULL, "
                + "version INTEGER NOT NULL DEFAULT 0, uid TEXT, definition TEXT, generator TEXT, snapshot TEXT, vector_snapshots TEXT, vector_generators TEXT)");
            foreach (string column in MissingColumns(connection, transaction)!)
            {
                Execute(connection, transaction, $"ALTER TABLE {Table} ADD COLUMN {column} TEXT");
            }

            transaction.Commit();
        }

        s_ready.TryAdd(connection.ConnectionString, true);
    }

    internal static FaissCollectionRow? Read(SqliteConnection connection, SqliteTransaction? transaction, string name)
    {
        using SqliteCommand command = Command(connection, transaction,
            $"SELECT version, uid, definition, generator, snapshot, dimensions, distance, index_kind, vector_snapshots, vector_generators FROM {Table} WHERE name = @name",
            ("@name", name));
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read()
            ? new(reader.GetInt64(0), Text(1), Text(2), Text(3), Text(4), reader.GetInt32(5), reader.GetString(6), reader.GetString(7))
            {
                VectorSnapshots = Text(8),
                VectorGenerators = Text(9),
            }
            : null;

        string? Text(int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
    }

    internal static List<string> List(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using SqliteCommand command = Command(connection, transaction, $"SELECT name FROM {Table} ORDER BY name");
        using SqliteDataReader reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>
    /// Finds another collection whose name equals <paramref name="name"/> ignoring case. SQLite compares table names
    /// ignoring (ASCII) case, so two such collections would share one table: a new name like that is refused.
    /// </summary>
    internal static string? FindCaseVariant(SqliteConnection connection, SqliteTransaction? transaction, string name)
        => List(connection, transaction).FirstOrDefault(n => n != name && string.Equals(n, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds another collection that shares this one's SQLite tables (possible only in stores written before names were checked).</summary>
    internal static string? FindTableSharer(SqliteConnection connection, SqliteTransaction? transaction, string name)
    {
        using SqliteCommand command = Command(connection, transaction,
            $"SELECT name FROM {Table} WHERE name <> @name AND ('c_' || name) = ('c_' || @name) COLLATE NOCASE", ("@name", name));
        return command.ExecuteScalar() as string;
    }

    /// <summary>Inserts a new collection's row (inside the creating transaction) and returns its incarnation id.</summary>
    internal static string Insert(SqliteConnection connection, SqliteTransaction transaction, string name, FaissStoredDefinition definition)
    {
        string uid = NewUid();
        Execute(connection, transaction,
            $"INSERT INTO {Table} (name, dimensions, distance, index_kind, version, uid, definition) VALUES (@name, @d, @f, @k, @v, @uid, @definition)",
            ("@name", name), ("@d", definition.Dimensions), ("@f", definition.Distance), ("@k", definition.IndexKind),
            // A random start, so an instance that cached a deleted namesake's version can't mistake the new collection for it.
            ("@v", Random.Shared.NextInt64(1, long.MaxValue / 2)), ("@uid", uid), ("@definition", definition.ToJson()));
        return uid;
    }

    /// <summary>Gives a legacy row its incarnation id and definition.</summary>
    internal static void Adopt(SqliteConnection connection, SqliteTransaction transaction, string name, string uid, string definition)
        => Execute(connection, transaction, $"UPDATE {Table} SET uid = @uid, definition = @definition WHERE name = @name",
            ("@name", name), ("@uid", uid), ("@definition", definition));

    /// <summary>Records the identity of the generator that embedded a vector property.</summary>
    internal static void SetGenerator(SqliteConnection connection, SqliteTransaction transaction, string name, string uid, FaissVectorSlot slot, string identity)
        => Execute(connection, transaction, $"UPDATE {Table} SET {Set(slot, "generator", "vector_generators")} WHERE name = @name AND uid = @uid",
            ("@name", name), ("@uid", uid), ("@value", identity), ("@key", Path(slot)));

    /// <summary>Records the checksum of a vector property's snapshot just written; a namesake created since (another uid) is left alone.</summary>
    internal static void SetSnapshot(SqliteConnection connection, string name, string uid, FaissVectorSlot slot, string? checksum)
        => Execute(connection, null, $"UPDATE {Table} SET {Set(slot, "snapshot", "vector_snapshots")} WHERE name = @name AND uid = @uid",
            ("@name", name), ("@uid", uid), ("@value", (object?)checksum ?? DBNull.Value), ("@key", Path(slot)));

    /// <summary>The first vector property uses the column single-vector stores always had; the others an entry of a JSON object.</summary>
    private static string Set(FaissVectorSlot slot, string column, string jsonColumn)
        => slot.Ordinal == 0 ? $"{column} = @value" : $"{jsonColumn} = json_set(COALESCE({jsonColumn}, '{{}}'), @key, @value)";

    private static string Path(FaissVectorSlot slot) => "$.\"" + slot.Key + "\"";

    internal static long? BumpVersion(SqliteConnection connection, SqliteTransaction transaction, string name)
    {
        using SqliteCommand command = Command(connection, transaction, $"UPDATE {Table} SET version = version + 1 WHERE name = @name RETURNING version", ("@name", name));
        return command.ExecuteScalar() as long?;
    }

    /// <summary>
    /// Drops a collection if one of exactly this name exists; returns whether it did. A legacy collection that shares
    /// its tables with a case variant loses only its row, so the other keeps its records.
    /// </summary>
    internal static bool Drop(SqliteConnection connection, string name)
    {
        using SqliteTransaction transaction = connection.BeginTransaction();
        if (Read(connection, transaction, name) is null)
        {
            return false;
        }

        if (FindTableSharer(connection, transaction, name) is null)
        {
            Execute(connection, transaction, $"DROP TABLE IF EXISTS {FaissColumnMapping.Quote("c_" + name)}");
            Execute(connection, transaction, $"DROP TABLE IF EXISTS {FaissColumnMapping.Quote("v_" + name)}");
            // The int8 rescoring copies are keyed by FAISS id, which restarts with the dropped table's sequence.
            Execute(connection, transaction, $"DROP TABLE IF EXISTS {FaissColumnMapping.Quote(FaissRecordTable.Int8TableName(name))}");
            Execute(connection, transaction, $"DROP TABLE IF EXISTS {FaissColumnMapping.Quote(FaissFullTextIndex.TableName(name))}");
        }

        Execute(connection, transaction, $"DELETE FROM {Table} WHERE name = @name", ("@name", name));
        transaction.Commit();
        return true;
    }

    internal static string NewUid() => Guid.NewGuid().ToString("N");

    internal static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    /// <summary>The newer columns the catalog lacks; <see langword="null"/> when there is no catalog yet.</summary>
    private static List<string>? MissingColumns(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using SqliteCommand command = Command(connection, transaction, $"SELECT name FROM pragma_table_info('{FaissConstants.CollectionsTable}')");
        using SqliteDataReader reader = command.ExecuteReader();
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
        {
            present.Add(reader.GetString(0));
        }

        return present.Count == 0 ? null : [.. s_addedColumns.Where(c => !present.Contains(c))];
    }
}
