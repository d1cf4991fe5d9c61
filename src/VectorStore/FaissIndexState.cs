using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using SkEmbeddingGemma.VectorData.Faiss.Interop;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// The FAISS index of one vector property of a collection (<see cref="FaissVectorSlot"/>), derived from its SQLite table: loaded from the snapshot file (or rebuilt),
/// reconciled with the table whenever the collection's version moved (another instance or process wrote), kept in
/// step by this instance's writes, and snapshotted with write-to-temp plus atomic rename. A snapshot is trusted only if
/// its SHA-256 is the one recorded in this collection's catalog row (written after the file, for this incarnation):
/// a snapshot of another database, of a deleted namesake, torn or altered is ignored and the index rebuilt from SQLite.
/// HNSW can't remove vectors,
/// so removed ids become tombstones excluded at search and dropped when the index is rebuilt.
/// Readers run concurrently; writers are exclusive (<see cref="ReaderWriterLockSlim"/>); a write to several indexes of
/// one collection holds all their write locks around its one SQLite transaction (<see cref="FaissIndexSet"/>).
/// </summary>
internal sealed class FaissIndexState : IDisposable
{
    private const int AddChunk = 4096;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly FaissRecordTable _table;
    private readonly FaissCollectionOptions _options;
    private readonly FaissVectorSlot _slot;
    private readonly int _dimensions;
    private readonly bool _normalize;
    private readonly FaissIndexPlan _plan;
    private readonly HashSet<long> _tombstones = [];
    private IFaissVectorIndex? _index;
    private long _version = -1;
    private string? _uid;
    private int _unsavedChanges;
    private long _ivfTrainedOn;
    private bool _disposed;
    private int _disposeStarted;
    private bool _rebuildPending;

    internal FaissIndexState(FaissRecordTable table, FaissVectorSlot slot, FaissCollectionOptions options)
    {
        _table = table;
        _slot = slot;
        IndexPath = slot.IndexPath;
        _dimensions = slot.Dimensions;
        _options = options;
        _normalize = slot.Distance.Normalize;
        _plan = new FaissIndexPlan(slot, options);
        if (_plan.OnDisk)
        {
            FaissOnDiskIvfIndex.DeleteOrphans(IndexPath);
        }
    }

    internal FaissVectorSlot Slot => _slot;

    /// <summary>Gets the index this slot derives from its vectors (and whether its search results are rescored).</summary>
    internal FaissIndexPlan Plan => _plan;

    internal string IndexPath { get; }

    internal bool Normalize => _normalize;

    /// <summary>Runs <paramref name="search"/> on an index that reflects the table (loading or reconciling first if needed).</summary>
    /// <remarks>A FAISS failure on the index in use drops it and searches once more on one rebuilt from SQLite, so a bad index never fails for good.</remarks>
    internal T Read<T>(SqliteConnection connection, FaissCollectionRow row, Func<IFaissVectorIndex?, IReadOnlyCollection<long>, T> search)
    {
        bool failed = false;
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_version == row.Version && _uid == row.Uid)
            {
                return search(_index, _tombstones);
            }
        }
        catch (FaissException)
        {
            failed = true;
        }
        finally
        {
            _lock.ExitReadLock();
        }

        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!failed)
            {
                SyncLocked(connection);
                try
                {
                    return search(_index, _tombstones);
                }
                catch (FaissException)
                {
                }
            }

            DropIndexLocked();
            _rebuildPending = true;
            SyncLocked(connection);
            return search(_index, _tombstones);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Takes the write lock and brings the index up to the table (the first step of <see cref="FaissIndexSet.Write"/>).</summary>
    internal void EnterWrite(SqliteConnection connection)
    {
        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            SyncLocked(connection);
        }
        catch
        {
            _lock.ExitWriteLock();
            throw;
        }
    }

    /// <summary>Releases the write lock taken by <see cref="EnterWrite"/>.</summary>
    internal void ExitWrite() => _lock.ExitWriteLock();

    /// <summary>
    /// Under the write lock, after the SQLite transaction committed: applies its effect (removed and added ids) to the
    /// index. If another writer moved the version before the transaction (<paramref name="before"/>), the index is
    /// reconciled lazily instead.
    /// </summary>
    /// <exception cref="FaissException">FAISS failed; the index is dropped and rebuilt from SQLite at next use.</exception>
    internal void ApplyWrite(FaissCollectionRow before, long newVersion, IReadOnlyList<long> removed, long[] added, IReadOnlyList<float[]> vectors)
    {
        if (before.Version != _version || before.Uid != _uid)
        {
            _version = -1;
            return;
        }

        try
        {
            Remove(removed);
            Add(added, vectors);
            _version = newVersion;
            _unsavedChanges += removed.Count + added.Length;
            if (NeedsIvfRetrain(_index?.Count ?? 0))
            {
                // Trained on a small first batch: retrain on everything at next use.
                DropIndexLocked();
                _rebuildPending = true;
                return;
            }

            if (_unsavedChanges >= _options.SnapshotThreshold)
            {
                try
                {
                    SaveLocked();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
                {
                    // The write is committed; the snapshot is only a cache (the next open rebuilds what it lacks).
                }
            }
        }
        catch (FaissException)
        {
            // SQLite holds the records; rebuild the derived index on next use.
            DropIndexLocked();
            throw;
        }
    }

    /// <summary>Writes the index snapshot now (if anything changed since the last one).</summary>
    internal void Save(SqliteConnection connection, bool force)
    {
        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            SyncLocked(connection);
            if (force || _unsavedChanges > 0)
            {
                SaveLocked();
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Rebuilds the index from SQLite (compacting tombstones, retraining IVF) and snapshots it.</summary>
    internal void Rebuild(SqliteConnection connection)
    {
        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            DropIndexLocked();
            SyncLocked(connection, allowSnapshot: false);
            SaveLocked();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Forgets the in-memory index and deletes the snapshot (the collection was deleted).</summary>
    internal void Reset()
    {
        _lock.EnterWriteLock();
        try
        {
            DropIndexLocked();
            DeleteFile(IndexPath);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    internal static void DeleteFile(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0)
        {
            return;
        }

        _lock.EnterWriteLock();
        try
        {
            _disposed = true;
            if (_index is not null && _unsavedChanges > 0)
            {
                try
                {
                    SaveLocked();
                }
                catch (Exception e) when (e is IOException or FaissException or UnauthorizedAccessException or SqliteException)
                {
                    // The snapshot is only a cache; the next open rebuilds from SQLite.
                }
            }

            DropIndexLocked();
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        _lock.Dispose();
    }

    private void SyncLocked(SqliteConnection connection, bool allowSnapshot = true)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
        FaissCollectionRow row = FaissCatalog.Read(connection, transaction, _table.CollectionName) ?? throw _table.Guard.MissingCollection();
        if (row.Uid != _uid)
        {
            // Another incarnation (deleted and recreated elsewhere): its row ids mean nothing here.
            DropIndexLocked();
            _uid = row.Uid;
        }

        long version = row.Version;
        if (version == _version)
        {
            return;
        }

        if (_index is null && allowSnapshot && !_rebuildPending)
        {
            TryLoadSnapshot(row.SnapshotOf(_slot));
        }

        _rebuildPending = false;

        HashSet<long> live = _table.LiveIds(connection, transaction);
        var present = new HashSet<long>(_index?.GetIds() ?? []);
        var stale = present.Where(id => !live.Contains(id)).ToList();
        var missing = live.Where(id => !present.Contains(id)).ToHashSet();

        _tombstones.IntersectWith(present);
        Remove(stale);
        if (_index is not null && (_tombstones.Count > Math.Max(1000, _index.Count / 3) || NeedsIvfRetrain(live.Count)))
        {
            // Too many tombstones (or an IVF trained on too few vectors): rebuild from the table.
            DropIndexLocked();
            missing = live;
        }

        var ids = new List<long>(Math.Min(missing.Count, AddChunk));
        var vectors = new List<float[]>(ids.Capacity);
        foreach ((long id, float[] vector) in _table.Vectors(connection, transaction, _slot, missing))
        {
            ids.Add(id);
            vectors.Add(vector);
            // A new IVF trains on its first chunk: make that one large enough for every list the options ask for,
            // so a rebuild of a large collection trains once, fully, rather than on a few thousand vectors and
            // again at the next write.
            if (ids.Count >= (_index is null && _plan.IsIvf ? Math.Max(AddChunk, _plan.FullTrainingCount) : AddChunk))
            {
                Add([.. ids], vectors);
                ids.Clear();
                vectors.Clear();
            }
        }

        Add([.. ids], vectors);
        EnsureIndexLocked(null);
        _version = version;
        if (stale.Count + missing.Count > 0)
        {
            _unsavedChanges += stale.Count + missing.Count;
        }
    }

    private bool NeedsIvfRetrain(long liveCount)
        => _plan.IsIvf && _ivfTrainedOn > 0 && _plan.IvfListCount(_ivfTrainedOn) < _options.IvfListCount && liveCount >= 4 * _ivfTrainedOn;

    private void TryLoadSnapshot(string? checksum)
    {
        if (checksum is null || !File.Exists(IndexPath))
        {
            return;
        }

        try
        {
            if (_plan.TagChecksum(Checksum(IndexPath)) != checksum)
            {
                // Not the snapshot this collection recorded: another database's, a deleted namesake's, torn or altered,
                // or one of another index plan (the two-stage options changed).
                return;
            }

            _index = _plan.Read(IndexPath);
            _ivfTrainedOn = 0;
        }
        catch (Exception e) when (e is FaissException or IOException or UnauthorizedAccessException)
        {
            // Unreadable: rebuild from SQLite.
        }
    }

    /// <summary>Creates the index if needed; IVF needs training vectors, so it waits for the first ones.</summary>
    private void EnsureIndexLocked(float[]? training)
    {
        if (_index is not null)
        {
            return;
        }

        _index = _plan.Create(training);
        if (_index is not null && _plan.IsIvf)
        {
            _ivfTrainedOn = training!.Length / _dimensions;
        }
    }

    private void Add(long[] ids, IReadOnlyList<float[]> vectors)
    {
        if (ids.Length == 0)
        {
            return;
        }

        var flat = new float[ids.Length * _dimensions];
        for (int i = 0; i < ids.Length; i++)
        {
            Span<float> row = flat.AsSpan(i * _dimensions, _dimensions);
            vectors[i].CopyTo(row);
            if (_normalize)
            {
                FaissSearchMapping.NormalizeInPlace(row);
            }
        }

        EnsureIndexLocked(flat);
        if (_index is { IsTrained: false })
        {
            _index.Train(flat);
        }

        _index!.Add(flat, ids);
    }

    private void Remove(IReadOnlyList<long> ids)
    {
        if (ids.Count == 0 || _index is null)
        {
            return;
        }

        if (_index.SupportsRemove)
        {
            _index.Remove([.. ids]);
        }
        else
        {
            _tombstones.UnionWith(ids);
        }
    }

    /// <summary>
    /// Writes the snapshot (temp file, flushed, renamed over the old one), then records its checksum for this incarnation.
    /// A crash between the two leaves a file whose checksum isn't recorded: ignored and rebuilt, never trusted.
    /// </summary>
    private void SaveLocked()
    {
        if (_index is null || _uid is null)
        {
            DeleteFile(IndexPath);
            _unsavedChanges = 0;
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(IndexPath))!);
        string temp = IndexPath + ".tmp-" + Guid.NewGuid().ToString("N");
        string checksum;
        try
        {
            _index.Write(temp);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
            {
                stream.Flush(flushToDisk: true);
                checksum = _plan.TagChecksum(Convert.ToHexStringLower(SHA256.HashData(stream)));
            }

            File.Move(temp, IndexPath, overwrite: true);
        }
        finally
        {
            DeleteFile(temp);
        }

        using (SqliteConnection connection = _table.Open())
        {
            FaissCatalog.SetSnapshot(connection, _table.CollectionName, _uid, _slot, checksum);
        }

        _unsavedChanges = 0;
    }

    private static string Checksum(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private void DropIndexLocked()
    {
        _index?.Dispose();
        _index = null;
        _tombstones.Clear();
        _version = -1;
        _ivfTrainedOn = 0;
    }
}
