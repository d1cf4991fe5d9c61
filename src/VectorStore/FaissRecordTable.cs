using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// The SQLite side of a collection (the source of truth): table <c>c_{name}</c> holds keys and data, table
/// <c>v_{name}</c> the vectors (apart, so filter scans don't read 3 KB of vector per row; one column per vector
/// property, see <see cref="FaissVectorSlot"/>; absent when the record has no vector property), both keyed by the FAISS id;
/// plus its row in the catalog (<see cref="FaissCatalog"/>), checked by <see cref="FaissCollectionGuard"/>.
/// </summary>
internal sealed class FaissRecordTable
{
    private readonly string _connectionString;
    private readonly CollectionModel _model;
    private readonly string _table;
    private readonly string _vectorTable;
    private readonly string _int8Table;
    private bool _int8TableSeen;
    private readonly string _selectColumnsWithoutVector;
    private readonly string _selectColumnsWithVector;

    internal FaissRecordTable(string databasePath, string collectionName, CollectionModel model, IReadOnlyList<FaissVectorSlot> slots)
    {
        Slots = slots;
        _connectionString = ConnectionString(databasePath);
        DatabasePath = databasePath;
        CollectionName = collectionName;
        _model = model;
        _table = FaissColumnMapping.Quote("c_" + collectionName);
        _vectorTable = FaissColumnMapping.Quote("v_" + collectionName);
        _int8Table = FaissColumnMapping.Quote(Int8TableName(collectionName));
        foreach (PropertyModel property in _model.Properties)
        {
            if (property.StorageName is FaissConstants.IdColumn or FaissVectorSlot.FirstColumn)
            {
                throw new NotSupportedException($"The storage name '{property.StorageName}' of property '{property.ModelName}' is reserved by the FAISS connector.");
            }
        }

        Guard = new FaissCollectionGuard(databasePath, collectionName, model, FaissStoredDefinition.FromModel(model, slots));
        FullText = new FaissFullTextIndex(collectionName, model);
        var columns = new StringBuilder("t.").Append(FaissConstants.IdColumn).Append(", t.").Append(Column(_model.KeyProperty));
        foreach (DataPropertyModel data in _model.DataProperties)
        {
            columns.Append(", t.").Append(Column(data));
        }

        _selectColumnsWithoutVector = columns.ToString() + " FROM " + _table + " AS t";
        _selectColumnsWithVector = slots.Count == 0 ? _selectColumnsWithoutVector
            : columns.ToString() + string.Concat(slots.Select(v => ", v." + v.Column)) + " FROM " + _table + " AS t LEFT JOIN " + _vectorTable
                + " AS v ON v." + FaissConstants.IdColumn + " = t." + FaissConstants.IdColumn;
    }

    /// <summary>Gets the vector properties (empty when the record has none).</summary>
    internal IReadOnlyList<FaissVectorSlot> Slots { get; }

    internal string CollectionName { get; }

    internal string DatabasePath { get; }

    /// <summary>Gets the check that the collection in the store is the one this instance was opened for.</summary>
    internal FaissCollectionGuard Guard { get; }

    /// <summary>Gets the FTS5 index over the full-text-indexed properties (hybrid search's keyword side).</summary>
    internal FaissFullTextIndex FullText { get; }

    /// <summary>The most of the database file SQLite reads memory-mapped (64 GiB; SQLite caps it at its compile-time maximum).</summary>
    internal const long MemoryMapBytes = 64L << 30;

    internal static string ConnectionString(string databasePath)
        => new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true, DefaultTimeout = 60 }.ToString();

    /// <summary>
    /// Opens a pooled connection with WAL journaling and full synchronous commits (a returned write survives kill -9 and
    /// power loss), reading the database file memory-mapped.
    /// </summary>
    internal static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using SqliteCommand pragma = connection.CreateCommand();
        // mmap_size: a two-stage search reads thousands of scattered vector rows per query; through SQLite's small page
        // cache each is a pread system call and a copy out of the OS page cache, which profiling showed to be most of
        // the rescoring time. Memory-mapped reads share the OS page cache without either (SQLite caps the size at its
        // compile-time maximum; writes and the WAL are unchanged).
        pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=60000; PRAGMA mmap_size={MemoryMapBytes};";
        pragma.ExecuteNonQuery();
        FaissCatalog.Ensure(connection);
        return connection;
    }

    internal SqliteConnection Open() => Open(_connectionString);

    /// <summary>
    /// Creates the tables and catalog row if missing, or checks the existing collection's definition: one IMMEDIATE
    /// transaction, so two instances creating one collection at once can't both decide it is theirs. <paramref name="hook"/>
    /// runs in that transaction (with whether it created the collection), so what it writes commits or rolls back with it.
    /// </summary>
    internal void Create(SqliteConnection connection, Action<SqliteConnection, SqliteTransaction, bool>? hook)
    {
        using SqliteTransaction transaction = connection.BeginTransaction();
        FaissCollectionRow? row = FaissCatalog.Read(connection, transaction, CollectionName);
        string? createdUid = null;
        if (row is not null)
        {
            Guard.CheckExisting(connection, transaction, row);
        }
        else
        {
            if (FaissCatalog.FindCaseVariant(connection, transaction, CollectionName) is string variant)
            {
                throw new VectorStoreException(
                    $"Collection '{CollectionName}' can't be created in '{DatabasePath}': collection '{variant}' exists, and names that differ only in case "
                    + $"would share one SQLite table. Use '{variant}', or a name that differs in more than case.")
                {
                    VectorStoreSystemName = FaissConstants.VectorStoreSystemName,
                    VectorStoreName = DatabasePath,
                    CollectionName = CollectionName,
                };
            }

            // No IF NOT EXISTS: a table that exists without a catalog row is someone else's, never merged into.
            var ddl = new StringBuilder($"CREATE TABLE {_table} ({FaissConstants.IdColumn} INTEGER PRIMARY KEY AUTOINCREMENT, ");
            ddl.Append(Column(_model.KeyProperty)).Append(' ').Append(FaissColumnMapping.SqlType(_model.KeyProperty.Type)).Append(" NOT NULL UNIQUE");
            foreach (DataPropertyModel data in _model.DataProperties)
            {
                ddl.Append(", ").Append(Column(data)).Append(' ').Append(FaissColumnMapping.SqlType(data.Type));
            }

            ddl.Append(')');
            FaissCatalog.Execute(connection, transaction, ddl.ToString());
            if (Slots.Count > 0)
            {
                // One vector property gives the table single-vector stores always had.
                FaissCatalog.Execute(connection, transaction,
                    $"CREATE TABLE {_vectorTable} ({FaissConstants.IdColumn} INTEGER PRIMARY KEY{string.Concat(Slots.Select(v => $", {v.Column} BLOB NOT NULL"))})");
            }

            foreach (DataPropertyModel data in _model.DataProperties.Where(d => d.IsIndexed))
            {
                FaissCatalog.Execute(connection, transaction,
                    $"CREATE INDEX IF NOT EXISTS {FaissColumnMapping.Quote("ix_" + CollectionName + "_" + data.StorageName)} ON {_table} ({Column(data)})");
            }

            createdUid = FaissCatalog.Insert(connection, transaction, CollectionName, Guard.Definition);
        }

        FullText.Ensure(connection, transaction);
        hook?.Invoke(connection, transaction, createdUid is not null);
        transaction.Commit();
        if (createdUid is not null)
        {
            Guard.MarkVerified(createdUid);
        }
    }

    /// <summary>Deletes the rows of the given keys and returns the FAISS ids they had.</summary>
    internal List<long> DeleteKeys(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<object> keys)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"DELETE FROM {_table} WHERE {Column(_model.KeyProperty)} = @key RETURNING {FaissConstants.IdColumn}";
        SqliteParameter parameter = command.Parameters.Add("@key", SqliteType.Text);
        var removed = new List<long>();
        foreach (object key in keys)
        {
            parameter.Value = FaissColumnMapping.ToDb(key, _model.KeyProperty.Type);
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                removed.Add(reader.GetInt64(0));
            }
        }

        if (Slots.Count == 0)
        {
            return removed;
        }

        using SqliteCommand vectors = connection.CreateCommand();
        vectors.Transaction = transaction;
        vectors.CommandText = $"DELETE FROM {_vectorTable} WHERE {FaissConstants.IdColumn} = @id";
        SqliteParameter id = vectors.Parameters.Add("@id", SqliteType.Integer);
        foreach (long fid in removed)
        {
            id.Value = fid;
            vectors.ExecuteNonQuery();
        }

        return removed;
    }

    /// <summary>Inserts records (their old rows must be deleted first) with their vectors (one list per vector property) and returns their new FAISS ids.</summary>
    internal long[] Insert(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<object> records, IReadOnlyList<IReadOnlyList<float[]>> vectors)
    {
        var columns = new List<PropertyModel> { _model.KeyProperty };
        columns.AddRange(_model.DataProperties);
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {_table} ({string.Join(", ", columns.Select(Column))}) "
            + $"VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)))}) RETURNING {FaissConstants.IdColumn}";
        var parameters = columns.Select((_, i) => command.Parameters.Add("@p" + i.ToString(CultureInfo.InvariantCulture), SqliteType.Text)).ToArray();
        using SqliteCommand vectorCommand = connection.CreateCommand();
        vectorCommand.Transaction = transaction;
        vectorCommand.CommandText = $"INSERT INTO {_vectorTable} ({FaissConstants.IdColumn}{string.Concat(Slots.Select(v => ", " + v.Column))}) "
            + $"VALUES (@id{string.Concat(Slots.Select(v => ", @v" + v.Key))})";
        SqliteParameter idParameter = vectorCommand.Parameters.Add("@id", SqliteType.Integer);
        SqliteParameter[] vectorParameters = [.. Slots.Select(v => vectorCommand.Parameters.Add("@v" + v.Key, SqliteType.Blob))];
        var ids = new long[records.Count];
        for (int r = 0; r < records.Count; r++)
        {
            for (int c = 0; c < columns.Count; c++)
            {
                object db = FaissColumnMapping.ToDb(columns[c].GetValueAsObject(records[r]), columns[c].Type);
                parameters[c].SqliteType = db switch { long => SqliteType.Integer, double => SqliteType.Real, _ => SqliteType.Text };
                parameters[c].Value = db;
            }

            ids[r] = (long)command.ExecuteScalar()!;
            if (Slots.Count > 0)
            {
                idParameter.Value = ids[r];
                for (int v = 0; v < Slots.Count; v++)
                {
                    vectorParameters[v].Value = ToBlob(Slots[v], vectors[v][r]);
                }

                vectorCommand.ExecuteNonQuery();
            }
        }

        return ids;
    }

    /// <summary>Reads every live FAISS id.</summary>
    internal HashSet<long> LiveIds(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {FaissConstants.IdColumn} FROM {_table}";
        using SqliteDataReader reader = command.ExecuteReader();
        var ids = new HashSet<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <summary>Streams (id, vector) of one vector property for all rows, or for the rows in <paramref name="only"/>.</summary>
    internal IEnumerable<(long Id, float[] Vector)> Vectors(SqliteConnection connection, SqliteTransaction? transaction, FaissVectorSlot slot, IReadOnlySet<long>? only)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {FaissConstants.IdColumn}, {slot.Column} FROM {_vectorTable} ORDER BY {FaissConstants.IdColumn}";
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            long id = reader.GetInt64(0);
            if ((only is null || only.Contains(id)) && !reader.IsDBNull(1))
            {
                yield return (id, FromBlob(slot, (byte[])reader.GetValue(1)));
            }
        }
    }

    /// <summary>Gets the name of a collection's table of int8 rescoring vectors (<see cref="FaissRescoringVectors.Int8"/>).</summary>
    internal static string Int8TableName(string collectionName) => "q8_" + collectionName;

    /// <summary>
    /// Hands one vector property's stored float vectors of the given ids (a two-stage search's candidates) to
    /// <paramref name="rescorer"/>. Ids without a row are skipped.
    /// </summary>
    internal void RescoreByIds(SqliteConnection connection, FaissVectorSlot slot, IReadOnlyList<long> ids, FaissRescorer rescorer)
        => ReadBlobsByIds(connection, _vectorTable, slot.Column, ids, slot.Dimensions * sizeof(float),
            (id, blob) => rescorer.Add(id, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(blob)));

    /// <summary>
    /// Hands the int8 copies of one vector property's vectors of the given ids to <paramref name="rescorer"/> and
    /// returns the ids that have none (all of them while the int8 table doesn't exist), to be rescored from float32.
    /// </summary>
    internal List<long> RescoreInt8ByIds(SqliteConnection connection, FaissVectorSlot slot, IReadOnlyList<long> ids, FaissRescorer rescorer)
    {
        if (!Int8TableExists(connection))
        {
            return [.. ids];
        }

        var scored = new HashSet<long>();
        ReadBlobsByIds(connection, _int8Table, slot.Column, ids, FaissInt8Vectors.BlobLength(slot.Dimensions), (id, blob) =>
        {
            rescorer.AddInt8(id, blob);
            scored.Add(id);
        });
        return scored.Count == ids.Count ? [] : [.. ids.Where(id => !scored.Contains(id))];
    }

    /// <summary>
    /// Creates the int8 rescoring table if missing (with a trigger that removes a copy when its float row is deleted,
    /// whichever instance deletes it) and quantizes every stored vector that has no copy yet.
    /// </summary>
    internal void EnsureInt8(SqliteConnection connection)
    {
        using SqliteTransaction transaction = connection.BeginTransaction();
        CreateInt8Table(connection, transaction);
        using SqliteCommand missing = connection.CreateCommand();
        missing.Transaction = transaction;
        missing.CommandText = $"SELECT v.{FaissConstants.IdColumn}{string.Concat(Slots.Select(v => ", v." + v.Column))} FROM {_vectorTable} AS v "
            + $"WHERE v.{FaissConstants.IdColumn} NOT IN (SELECT {FaissConstants.IdColumn} FROM {_int8Table})";
        using SqliteCommand insert = Int8Insert(connection, transaction, out SqliteParameter id, out SqliteParameter[] codes);
        using SqliteDataReader reader = missing.ExecuteReader();
        while (reader.Read())
        {
            id.Value = reader.GetInt64(0);
            for (int v = 0; v < Slots.Count; v++)
            {
                codes[v].Value = Slots[v].Distance.Metric == FaissMetric.Hamming
                    ? DBNull.Value
                    : FaissInt8Vectors.ToBlob(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(v + 1)));
            }

            insert.ExecuteNonQuery();
        }

        reader.Close();
        transaction.Commit();
    }

    /// <summary>Writes the int8 copies of newly inserted rows' vectors (one list per vector property), in the inserting transaction.</summary>
    internal void InsertInt8(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<long> ids, IReadOnlyList<IReadOnlyList<float[]>> vectors)
    {
        if (Slots.Count == 0 || ids.Count == 0)
        {
            return;
        }

        CreateInt8Table(connection, transaction);
        using SqliteCommand insert = Int8Insert(connection, transaction, out SqliteParameter id, out SqliteParameter[] codes);
        for (int r = 0; r < ids.Count; r++)
        {
            id.Value = ids[r];
            for (int v = 0; v < Slots.Count; v++)
            {
                codes[v].Value = Slots[v].Distance.Metric == FaissMetric.Hamming ? DBNull.Value : FaissInt8Vectors.ToBlob(vectors[v][r]);
            }

            insert.ExecuteNonQuery();
        }
    }

    private void CreateInt8Table(SqliteConnection connection, SqliteTransaction transaction)
    {
        FaissCatalog.Execute(connection, transaction,
            $"CREATE TABLE IF NOT EXISTS {_int8Table} ({FaissConstants.IdColumn} INTEGER PRIMARY KEY{string.Concat(Slots.Select(v => $", {v.Column} BLOB"))})");
        FaissCatalog.Execute(connection, transaction,
            $"CREATE TRIGGER IF NOT EXISTS {FaissColumnMapping.Quote("q8_delete_" + CollectionName)} AFTER DELETE ON {_vectorTable} "
            + $"BEGIN DELETE FROM {_int8Table} WHERE {FaissConstants.IdColumn} = OLD.{FaissConstants.IdColumn}; END");
        _int8TableSeen = true;
    }

    private SqliteCommand Int8Insert(SqliteConnection connection, SqliteTransaction transaction, out SqliteParameter id, out SqliteParameter[] codes)
    {
        SqliteCommand insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT OR REPLACE INTO {_int8Table} ({FaissConstants.IdColumn}{string.Concat(Slots.Select(v => ", " + v.Column))}) "
            + $"VALUES (@id{string.Concat(Slots.Select(v => ", @q" + v.Key))})";
        id = insert.Parameters.Add("@id", SqliteType.Integer);
        codes = [.. Slots.Select(v => insert.Parameters.Add("@q" + v.Key, SqliteType.Blob))];
        return insert;
    }

    private bool Int8TableExists(SqliteConnection connection)
    {
        // Once seen it stays (only dropping the collection removes it, and a dropped collection is searched no more).
        if (!_int8TableSeen)
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @name";
            command.Parameters.AddWithValue("@name", Int8TableName(CollectionName));
            _int8TableSeen = command.ExecuteScalar() is not null;
        }

        return _int8TableSeen;
    }

    /// <summary>
    /// Reads one column's blobs of the given ids in one statement, walking the table in rowid order (the ids sorted, so
    /// rows sharing a page are read together), each copied into one reused buffer rather than an array per row, and
    /// hands those of the expected length to <paramref name="visit"/> (the span is valid during the call only).
    /// </summary>
    private static void ReadBlobsByIds(SqliteConnection connection, string table, string column, IReadOnlyList<long> ids, int length, Action<long, ReadOnlySpan<byte>> visit)
    {
        long[] sorted = [.. ids];
        Array.Sort(sorted);
        var list = new StringBuilder(sorted.Length * 8).Append('[');
        for (int i = 0; i < sorted.Length; i++)
        {
            list.Append(i == 0 ? "" : ",").Append(sorted[i].ToString(CultureInfo.InvariantCulture));
        }

        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT t.{FaissConstants.IdColumn}, t.{column} FROM {table} AS t "
            + $"WHERE t.{FaissConstants.IdColumn} IN (SELECT value FROM json_each(@ids)) ORDER BY t.{FaissConstants.IdColumn}";
        command.Parameters.AddWithValue("@ids", list.Append(']').ToString());
        var buffer = new byte[length];
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (!reader.IsDBNull(1) && reader.GetBytes(1, 0, null, 0, 0) == length)
            {
                reader.GetBytes(1, 0, buffer, 0, length);
                visit(reader.GetInt64(0), buffer);
            }
        }
    }

    /// <summary>Reads the FAISS ids of the rows matching a translated filter.</summary>
    internal long[] FilterIds(SqliteConnection connection, string where, IReadOnlyList<KeyValuePair<string, object>> parameters)
    {
        using SqliteCommand command = connection.CreateCommand();
        // Alias t: translated filters name their columns t."...", as in Read, so a json_each subquery can't shadow them.
        command.CommandText = $"SELECT t.{FaissConstants.IdColumn} FROM {_table} AS t WHERE {where}";
        AddParameters(command, parameters);
        using SqliteDataReader reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return [.. ids];
    }

    /// <summary>Reads records by key.</summary>
    internal List<(long Id, object Record)> ReadByKeys(SqliteConnection connection, IReadOnlyList<object> keys, bool includeVectors, Func<object> create)
    {
        var results = new List<(long, object)>();
        for (int start = 0; start < keys.Count; start += 500)
        {
            var chunk = keys.Skip(start).Take(500).Select(k => FaissColumnMapping.ToDb(k, _model.KeyProperty.Type)).ToList();
            var names = chunk.Select((_, i) => new KeyValuePair<string, object>("@k" + i.ToString(CultureInfo.InvariantCulture), chunk[i])).ToList();
            results.AddRange(Read(connection, $"t.{Column(_model.KeyProperty)} IN ({string.Join(", ", names.Select(n => n.Key))})", names, null, includeVectors, create));
        }

        return results;
    }

    /// <summary>Reads records by FAISS id.</summary>
    internal Dictionary<long, object> ReadByIds(SqliteConnection connection, IReadOnlyList<long> ids, bool includeVectors, Func<object> create)
    {
        var results = new Dictionary<long, object>();
        for (int start = 0; start < ids.Count; start += 500)
        {
            string list = string.Join(", ", ids.Skip(start).Take(500).Select(i => i.ToString(CultureInfo.InvariantCulture)));
            foreach ((long id, object record) in Read(connection, $"t.{FaissConstants.IdColumn} IN ({list})", [], null, includeVectors, create))
            {
                results[id] = record;
            }
        }

        return results;
    }

    /// <summary>Reads records matching a condition, in the given order, with paging.</summary>
    internal List<(long Id, object Record)> Read(
        SqliteConnection connection, string where, IReadOnlyList<KeyValuePair<string, object>> parameters, string? orderByLimit, bool includeVectors, Func<object> create)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT {(includeVectors ? _selectColumnsWithVector : _selectColumnsWithoutVector)} WHERE {where} {orderByLimit}";
        AddParameters(command, parameters);
        using SqliteDataReader reader = command.ExecuteReader();
        var results = new List<(long, object)>();
        while (reader.Read())
        {
            object record = create();
            _model.KeyProperty.SetValueAsObject(record, FaissColumnMapping.FromDb(reader.GetValue(1), _model.KeyProperty.Type));
            int column = 2;
            foreach (DataPropertyModel data in _model.DataProperties)
            {
                data.SetValueAsObject(record, FaissColumnMapping.FromDb(reader.GetValue(column++), data.Type));
            }

            for (int v = 0; includeVectors && v < Slots.Count; v++, column++)
            {
                // A generated (string) vector property never reads back: IncludeVectors is refused with a generator.
                VectorPropertyModel property = Slots[v].Property;
                if (!reader.IsDBNull(column) && (FaissModelBuilder.IsNativeVectorType(property.Type) || FaissBinaryVectors.IsBinaryType(property.Type)))
                {
                    float[] vector = FromBlob(Slots[v], (byte[])reader.GetValue(column));
                    object value = Slots[v].Distance.Metric == FaissMetric.Hamming ? FaissBinaryVectors.FromSigns(vector, property.Type)
                        : property.Type == typeof(float[]) ? vector
                        : property.Type == typeof(Embedding<float>) ? new Embedding<float>(vector)
                        : new ReadOnlyMemory<float>(vector);
                    property.SetValueAsObject(record, value);
                }
            }

            results.Add((reader.GetInt64(0), record));
        }

        return results;
    }

    internal static string Column(PropertyModel property) => FaissColumnMapping.Quote(property.StorageName);

    private static void AddParameters(SqliteCommand command, IReadOnlyList<KeyValuePair<string, object>> parameters)
    {
        foreach (KeyValuePair<string, object> parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter.Key, parameter.Value);
        }
    }

    // Bit vectors (Hamming) are stored packed, one bit per dimension; float vectors as little-endian float32.
    private static byte[] ToBlob(FaissVectorSlot slot, float[] vector)
        => slot.Distance.Metric == FaissMetric.Hamming ? FaissBinaryVectors.ToBlob(vector) : FaissColumnMapping.VectorToBlob(vector);

    private static float[] FromBlob(FaissVectorSlot slot, byte[] blob)
        => slot.Distance.Metric == FaissMetric.Hamming ? FaissBinaryVectors.FromBlob(blob, slot.Dimensions) : FaissColumnMapping.BlobToVector(blob);
}
