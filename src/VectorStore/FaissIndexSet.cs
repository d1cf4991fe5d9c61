using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// The FAISS indexes of one collection, one per vector property (none for a record without vectors), all derived from
/// the same SQLite rows. A write is one SQLite transaction (the records are durable once it commits) applied to every
/// index under all their write locks, taken in property order so two writers can't deadlock; searches read one index.
/// </summary>
internal sealed class FaissIndexSet : IDisposable
{
    private readonly FaissRecordTable _table;
    private readonly FaissIndexState[] _states;

    internal FaissIndexSet(FaissRecordTable table, FaissCollectionOptions options)
    {
        _table = table;
        _states = [.. table.Slots.Select(slot => new FaissIndexState(table, slot, options))];
    }

    /// <summary>Gets the index of a vector property.</summary>
    internal FaissIndexState this[VectorPropertyModel property] => _states.First(s => s.Slot.Property == property);

    /// <summary>
    /// Runs a SQLite write transaction (which returns the ids it removed and added, and the added rows' vectors per
    /// vector property), bumps the collection's version in it, then applies the change to every index.
    /// </summary>
    /// <exception cref="FaissException">FAISS failed on an index (the records are committed; that index is rebuilt at next use).</exception>
    internal void Write(
        SqliteConnection connection,
        Func<SqliteTransaction, (IReadOnlyList<long> Removed, long[] Added, IReadOnlyList<IReadOnlyList<float[]>> Vectors)> write)
    {
        int entered = 0;
        try
        {
            for (; entered < _states.Length; entered++)
            {
                _states[entered].EnterWrite(connection);
            }

            FaissCollectionRow before;
            long newVersion;
            (IReadOnlyList<long> Removed, long[] Added, IReadOnlyList<IReadOnlyList<float[]>> Vectors) change;
            using (SqliteTransaction transaction = connection.BeginTransaction())
            {
                before = _table.Guard.VerifyCurrent(connection, transaction);
                change = write(transaction);
                newVersion = FaissCatalog.BumpVersion(connection, transaction, _table.CollectionName) ?? throw _table.Guard.MissingCollection();
                transaction.Commit();
            }

            FaissException? failure = null;
            foreach (FaissIndexState state in _states)
            {
                try
                {
                    state.ApplyWrite(before, newVersion, change.Removed, change.Added, change.Added.Length == 0 ? [] : change.Vectors[state.Slot.Ordinal]);
                }
                catch (FaissException e)
                {
                    // The other indexes still take the committed change.
                    failure ??= e;
                }
            }

            if (failure is not null)
            {
                throw failure;
            }
        }
        finally
        {
            for (int i = entered - 1; i >= 0; i--)
            {
                _states[i].ExitWrite();
            }
        }
    }

    /// <summary>Writes every index's snapshot now (<paramref name="force"/>) or those with unsaved changes.</summary>
    internal void Save(SqliteConnection connection, bool force)
    {
        foreach (FaissIndexState state in _states)
        {
            state.Save(connection, force);
        }
    }

    /// <summary>Rebuilds every index from SQLite and snapshots it.</summary>
    internal void Rebuild(SqliteConnection connection)
    {
        foreach (FaissIndexState state in _states)
        {
            state.Rebuild(connection);
        }
    }

    /// <summary>Forgets the in-memory indexes and deletes their snapshots (the collection was deleted).</summary>
    internal void Reset()
    {
        foreach (FaissIndexState state in _states)
        {
            state.Reset();
        }
    }

    /// <summary>Deletes every index snapshot file of a collection, whatever its vector properties (the store deletes by name).</summary>
    internal static void DeleteSnapshots(string collectionIndexPath)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(collectionIndexPath))!;
        if (!Directory.Exists(directory))
        {
            return;
        }

        // The first vector's file is "{name}-{hash}.index", the others "{name}-{hash}.{n}.index"; the hash is of the full name.
        foreach (string file in Directory.EnumerateFiles(directory, Path.GetFileNameWithoutExtension(collectionIndexPath) + ".*"))
        {
            FaissIndexState.DeleteFile(file);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (FaissIndexState state in _states)
        {
            state.Dispose();
        }
    }
}
