using System.Diagnostics;
using System.Globalization;

namespace SkEmbeddingGemma.VectorData.Faiss.Interop;

/// <summary>
/// A float IVF index whose inverted lists live in files, not on the heap: RAM holds the coarse quantizer and the list
/// sizes; the kernel pages lists in for the searches that probe them and drops them again under memory pressure.
/// </summary>
/// <remarks>
/// Two kinds of lists file, so that no writer ever changes a file that a snapshot (or another process) maps:
/// <list type="bullet">
/// <item>the snapshot, <c>{index}</c> itself: an ordinary self-contained IVF file (lists inline), written whole and
/// renamed into place, then only ever mapped read-only — by this process and by any other that opens the store;</item>
/// <item>a working lists file, <c>{index}.{pid}-{guid}.ivflists</c>, private to this index instance: created on the
/// first write (a copy of the mapped snapshot's lists, or empty for a new index), grown by adds and changed by
/// removes, deleted on dispose. A killed process leaves its file behind; the next open deletes the files of
/// processes that no longer run.</item>
/// </list>
/// </remarks>
internal sealed class FaissOnDiskIvfIndex : IFaissVectorIndex
{
    private const string WorkingExtension = ".ivflists";

    private readonly FaissIndex _index;
    private readonly string _indexPath;
    private string? _workingLists;

    private FaissOnDiskIvfIndex(FaissIndex index, string indexPath, string? workingLists)
    {
        _index = index;
        _indexPath = indexPath;
        _workingLists = workingLists;
    }

    /// <inheritdoc />
    public int Dimension => _index.Dimension;

    /// <summary>Gets a value indicating whether the metric is inner product (otherwise squared L2).</summary>
    public bool IsInnerProduct => _index.IsInnerProduct;

    /// <inheritdoc />
    public bool SupportsRemove => true;

    /// <inheritdoc />
    public long Count => _index.Count;

    /// <inheritdoc />
    public bool IsTrained => _index.IsTrained;

    /// <summary>Gets the working lists file, or null while the index maps its snapshot read-only (nothing written since).</summary>
    internal string? WorkingListsPath => _workingLists;

    /// <summary>Takes a trained, empty IVF index and moves its (empty) lists into a new working lists file.</summary>
    /// <exception cref="FaissException">FAISS refused (not an IVF, untrained or not empty).</exception>
    internal static FaissOnDiskIvfIndex FromTrained(FaissIndex trained, string indexPath)
    {
        string working = NewWorkingPath(indexPath);
        try
        {
            trained.MoveListsToDisk(working);
        }
        catch
        {
            DeleteQuietly(working);
            throw;
        }

        return new FaissOnDiskIvfIndex(trained, indexPath, working);
    }

    /// <summary>Maps a snapshot written by <see cref="Write"/> read-only; the first write copies its lists to a working file.</summary>
    /// <exception cref="FaissException">The file is not a readable IVF index.</exception>
    internal static FaissOnDiskIvfIndex OpenSnapshot(string indexPath)
        => new(FaissIndex.ReadMemoryMapped(indexPath), indexPath, workingLists: null);

    /// <summary>Deletes the working lists files that killed processes left beside <paramref name="indexPath"/>.</summary>
    internal static void DeleteOrphans(string indexPath)
    {
        string full = Path.GetFullPath(indexPath);
        string? directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory))
        {
            return;
        }

        string prefix = Path.GetFileName(full) + ".";
        foreach (string file in Directory.EnumerateFiles(directory, prefix + "*" + WorkingExtension))
        {
            string owner = Path.GetFileName(file)[prefix.Length..];
            int dash = owner.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(owner.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && !IsRunning(pid))
            {
                DeleteQuietly(file);
            }
        }
    }

    /// <inheritdoc />
    public void Train(ReadOnlySpan<float> vectors) => _index.Train(vectors);

    /// <inheritdoc />
    public void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids)
    {
        EnsureWritable();
        _index.Add(vectors, ids);
    }

    /// <inheritdoc />
    public long Remove(ReadOnlySpan<long> ids)
    {
        EnsureWritable();
        return _index.Remove(ids);
    }

    /// <inheritdoc />
    public void Search(
        ReadOnlySpan<float> queries, int k, Span<float> distances, Span<long> labels,
        ReadOnlySpan<long> selector = default, bool useSelector = false, bool exclude = false, int efSearch = 0, int nprobe = 0)
        => _index.Search(queries, k, distances, labels, selector, useSelector, exclude, efSearch, nprobe);

    /// <inheritdoc />
    public long[] GetIds() => _index.GetIds();

    /// <summary>Writes a self-contained snapshot (lists inline), which <see cref="OpenSnapshot"/> maps.</summary>
    public void Write(string path) => _index.WriteWithInlineLists(path);

    /// <inheritdoc />
    public void Dispose()
    {
        // Unmap first, then delete the file nobody else uses.
        _index.Dispose();
        if (_workingLists is not null)
        {
            DeleteQuietly(_workingLists);
            _workingLists = null;
        }
    }

    private void EnsureWritable()
    {
        if (_workingLists is not null)
        {
            return;
        }

        // The snapshot is mapped read-only and may be mapped by other processes too: write a private copy instead.
        string working = NewWorkingPath(_indexPath);
        try
        {
            _index.CopyListsToDisk(working);
        }
        catch
        {
            DeleteQuietly(working);
            throw;
        }

        _workingLists = working;
    }

    private static string NewWorkingPath(string indexPath)
    {
        // Before the first snapshot the store's index folder may not exist yet.
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(indexPath))!);
        return NewWorkingName(indexPath);
    }

    private static string NewWorkingName(string indexPath)
        => string.Create(CultureInfo.InvariantCulture, $"{Path.GetFullPath(indexPath)}.{Environment.ProcessId}-{Guid.NewGuid():N}{WorkingExtension}");

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover working file is deleted by the next open.
        }
    }
}
