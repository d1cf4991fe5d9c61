using System.Runtime.InteropServices;
using SkEmbeddingGemma.VectorData.Faiss.Interop;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>
/// One explicitly loaded shim variant (generic or AVX2) called through function pointers, so a test can run both in one
/// process; <see cref="FaissNative"/> binds to whichever variant <see cref="FaissLibraryResolver"/> picked. Never
/// unloaded: unloading a library with a static C++ runtime while OpenMP workers exist is not safe.
/// </summary>
internal sealed unsafe class ShimLibrary
{
    private readonly delegate* unmanaged<int, byte*, int, nint*, int> _indexFactory;
    private readonly delegate* unmanaged<nint, void> _free;
    private readonly delegate* unmanaged<nint, long, float*, int> _train;
    private readonly delegate* unmanaged<nint, long, float*, long*, int> _addWithIds;
    private readonly delegate* unmanaged<nint, long, float*, long, float*, long*, long*, long, int, int, int, int> _search;

    public ShimLibrary(string path)
    {
        nint handle = NativeLibrary.Load(path);
        _indexFactory = (delegate* unmanaged<int, byte*, int, nint*, int>)NativeLibrary.GetExport(handle, "skf_index_factory");
        _free = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(handle, "skf_free");
        _train = (delegate* unmanaged<nint, long, float*, int>)NativeLibrary.GetExport(handle, "skf_train");
        _addWithIds = (delegate* unmanaged<nint, long, float*, long*, int>)NativeLibrary.GetExport(handle, "skf_add_with_ids");
        _search = (delegate* unmanaged<nint, long, float*, long, float*, long*, long*, long, int, int, int, int>)
            NativeLibrary.GetExport(handle, "skf_search");
    }

    /// <summary>Builds an inner-product index (training it on the data when needed) and searches all queries at once.</summary>
    public (float[] Distances, long[] Labels) BuildAndSearch(
        string description, int dimensions, float[] data, long[] ids, float[] queries, int k)
    {
        byte[] name = [.. System.Text.Encoding.UTF8.GetBytes(description), 0];
        nint index;
        fixed (byte* n = name)
        {
            Check(_indexFactory(dimensions, n, FaissNative.MetricInnerProduct, &index), "index_factory");
        }

        try
        {
            long queryCount = queries.Length / dimensions;
            var distances = new float[queryCount * k];
            var labels = new long[queryCount * k];
            fixed (float* x = data)
            fixed (long* i = ids)
            fixed (float* q = queries)
            fixed (float* d = distances)
            fixed (long* l = labels)
            {
                Check(_train(index, ids.Length, x), "train");
                Check(_addWithIds(index, ids.Length, x, i), "add_with_ids");
                Check(_search(index, queryCount, q, k, d, l, null, 0, 0, 0, 0), "search");
            }

            return (distances, labels);
        }
        finally
        {
            _free(index);
        }
    }

    private static void Check(int code, string operation)
    {
        if (code != 0)
        {
            throw new InvalidOperationException($"skf_{operation} returned {code}");
        }
    }
}
