using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Checks that the collection in the store is the one an instance was opened for: its recorded definition (once per
/// incarnation, and again whenever the collection was recreated) and the identity of the embedding generator that
/// embedded it. Thread-safe: the cached incarnation ids are read and written atomically.
/// </summary>
internal sealed class FaissCollectionGuard
{
    private readonly string _databasePath;
    private readonly string _collectionName;
    private readonly CollectionModel _model;
    private readonly string?[] _generatorUids;
    private string? _verifiedUid;

    internal FaissCollectionGuard(string databasePath, string collectionName, CollectionModel model, FaissStoredDefinition definition)
    {
        _databasePath = databasePath;
        _collectionName = collectionName;
        _model = model;
        Definition = definition;
        _generatorUids = new string?[definition.Vectors.Count];
    }

    /// <summary>Gets what this instance was opened with, compared with what the collection was created with.</summary>
    internal FaissStoredDefinition Definition { get; }

    /// <summary>Checks an existing collection's row inside the creating transaction (recording a legacy row's definition).</summary>
    internal void CheckExisting(SqliteConnection connection, SqliteTransaction transaction, FaissCollectionRow row)
        => Check(connection, transaction, AdoptIfLegacy(connection, transaction, row));

    /// <summary>Remembers the incarnation this instance just created.</summary>
    internal void MarkVerified(string uid) => Volatile.Write(ref _verifiedUid, uid);

    /// <summary>
    /// Reads the collection's row and, once per incarnation, checks it against this instance's definition (a legacy row
    /// gets this definition recorded, after its old settings and table columns are checked). Every operation starts here.
    /// </summary>
    /// <exception cref="VectorStoreException">The collection does not exist.</exception>
    /// <exception cref="FaissCollectionMismatchException">The collection was created with another definition.</exception>
    internal FaissCollectionRow Verify(SqliteConnection connection)
    {
        FaissCollectionRow row = FaissCatalog.Read(connection, null, _collectionName) ?? throw MissingCollection();
        if (row.Uid is not null && row.Uid == Volatile.Read(ref _verifiedUid))
        {
            return row;
        }

        if (row.Uid is null || row.Definition is null)
        {
            using SqliteTransaction transaction = connection.BeginTransaction();
            row = AdoptIfLegacy(connection, transaction, FaissCatalog.Read(connection, transaction, _collectionName) ?? throw MissingCollection());
            Check(connection, transaction, row);
            transaction.Commit();
            return row;
        }

        Check(connection, null, row);
        return row;
    }

    /// <summary>Inside a write transaction: the row as it is now, checked again if the collection was recreated since <see cref="Verify"/>.</summary>
    internal FaissCollectionRow VerifyCurrent(SqliteConnection connection, SqliteTransaction transaction)
    {
        FaissCollectionRow row = FaissCatalog.Read(connection, transaction, _collectionName) ?? throw MissingCollection();
        if (row.Uid is null || row.Uid != Volatile.Read(ref _verifiedUid))
        {
            row = AdoptIfLegacy(connection, transaction, row);
            Check(connection, transaction, row);
        }

        return row;
    }

    /// <summary>
    /// Checks (at the generator's first use) that <paramref name="identity"/> is the generator that embedded this
    /// vector property, recording it if the property has none yet. Each vector property has its own: two properties
    /// may be embedded by two models, as long as each keeps its own.
    /// </summary>
    /// <exception cref="FaissCollectionMismatchException">Another generator embedded the property, or this one reports no identity to compare.</exception>
    internal void CheckGenerator(SqliteConnection connection, FaissVectorSlot slot, FaissGeneratorIdentity? identity)
    {
        FaissCollectionRow row = Verify(connection);
        if (row.Uid == Volatile.Read(ref _generatorUids[slot.Ordinal]))
        {
            return;
        }

        string? recorded = row.GeneratorOf(slot);
        if (recorded is null && identity is not null)
        {
            using SqliteTransaction transaction = connection.BeginTransaction();
            row = VerifyCurrent(connection, transaction);
            recorded = row.GeneratorOf(slot);
            if (recorded is null)
            {
                recorded = identity.ToJson();
                FaissCatalog.SetGenerator(connection, transaction, _collectionName, row.Uid!, slot, recorded);
            }

            transaction.Commit();
        }

        if (FaissGeneratorIdentity.Parse(recorded) is { } stored && stored != identity)
        {
            string what = Definition.Vectors.Count == 1 ? $"Collection '{_collectionName}'" : $"Vector property '{slot.Property.ModelName}' of collection '{_collectionName}'";
            throw Mismatch(
                $"{what} in '{_databasePath}' was embedded by a generator with {stored}; this instance's generator "
                + (identity is null ? "reports no identity (EmbeddingGeneratorMetadata) to compare" : $"has {identity}")
                + ". Vectors of different models are not comparable: use the model that built the collection, or another collection.");
        }

        Volatile.Write(ref _generatorUids[slot.Ordinal], row.Uid);
    }

    internal VectorStoreException MissingCollection() => new($"Collection '{_collectionName}' does not exist.")
    {
        VectorStoreSystemName = FaissConstants.VectorStoreSystemName,
        VectorStoreName = _databasePath,
        CollectionName = _collectionName,
    };

    private FaissCollectionMismatchException Mismatch(string message) => new(message)
    {
        VectorStoreSystemName = FaissConstants.VectorStoreSystemName,
        VectorStoreName = _databasePath,
        CollectionName = _collectionName,
    };

    /// <summary>Compares the stored definition with this instance's, and refuses a collection whose tables a case variant shares.</summary>
    private void Check(SqliteConnection connection, SqliteTransaction? transaction, FaissCollectionRow row)
    {
        List<string> differences;
        try
        {
            differences = FaissStoredDefinition.Differences(FaissStoredDefinition.Parse(row.Definition!), Definition);
        }
        catch (System.Text.Json.JsonException e)
        {
            differences = [$"the stored definition is damaged ({e.Message})"];
        }

        if (differences.Count > 0)
        {
            throw Mismatch(
                $"Collection '{_collectionName}' in '{_databasePath}' was created with another definition: {string.Join("; ", differences)}. "
                + "Open it with the definition it was created with, or use another collection name.");
        }

        if (FaissCatalog.FindTableSharer(connection, transaction, _collectionName) is string sharer)
        {
            throw Mismatch(
                $"Collections '{_collectionName}' and '{sharer}' in '{_databasePath}' share one SQLite table (names that differ only in case, created "
                + "before such names were refused), so their records are mixed. Delete one of them; the other keeps the table.");
        }

        Volatile.Write(ref _verifiedUid, row.Uid);
    }

    /// <summary>
    /// A row written before definitions were recorded: its old settings and its table's columns must fit this definition,
    /// which is then recorded (with an incarnation id) so later opens compare against it.
    /// </summary>
    private FaissCollectionRow AdoptIfLegacy(SqliteConnection connection, SqliteTransaction transaction, FaissCollectionRow row)
    {
        if (row.Uid is not null && row.Definition is not null)
        {
            return row;
        }

        if (row.Definition is null)
        {
            var differences = new List<string>();
            if (Definition.Vectors.Count != 1)
            {
                differences.Add($"it has one vector property; this definition has {Definition.Vectors.Count}");
            }
            else if (row.Dimensions != Definition.Dimensions || row.Distance != Definition.Distance || row.IndexKind != Definition.IndexKind)
            {
                differences.Add($"it has {row.Dimensions} dimensions, {row.Distance} and {row.IndexKind}; this definition asks for "
                    + $"{Definition.Dimensions} dimensions, {Definition.Distance} and {Definition.IndexKind}");
            }

            var columns = new Dictionary<string, string>(StringComparer.Ordinal);
            using (SqliteCommand command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "SELECT name, type FROM pragma_table_info(@table)";
                command.Parameters.AddWithValue("@table", "c_" + _collectionName);
                using SqliteDataReader reader = command.ExecuteReader();
                while (reader.Read())
                {
                    columns[reader.GetString(0)] = reader.GetString(1);
                }
            }

            var expected = new Dictionary<string, string>(StringComparer.Ordinal) { [FaissConstants.IdColumn] = "INTEGER" };
            expected[_model.KeyProperty.StorageName] = FaissColumnMapping.SqlType(_model.KeyProperty.Type);
            foreach (DataPropertyModel data in _model.DataProperties)
            {
                expected[data.StorageName] = FaissColumnMapping.SqlType(data.Type);
            }

            if (!columns.OrderBy(c => c.Key, StringComparer.Ordinal).SequenceEqual(expected.OrderBy(c => c.Key, StringComparer.Ordinal)))
            {
                differences.Add($"its table has columns {string.Join(", ", columns.Select(c => $"{c.Key} {c.Value}"))}; this definition needs "
                    + string.Join(", ", expected.Select(c => $"{c.Key} {c.Value}")));
            }

            if (differences.Count > 0)
            {
                throw Mismatch($"Collection '{_collectionName}' in '{_databasePath}' was created with another definition: {string.Join("; ", differences)}. "
                    + "Open it with the definition it was created with, or use another collection name.");
            }
        }

        row = row with { Uid = row.Uid ?? FaissCatalog.NewUid(), Definition = row.Definition ?? Definition.ToJson() };
        FaissCatalog.Adopt(connection, transaction, _collectionName, row.Uid!, row.Definition!);
        return row;
    }
}
