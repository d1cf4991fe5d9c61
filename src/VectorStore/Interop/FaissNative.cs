using System.Runtime.InteropServices;

namespace SkEmbeddingGemma.VectorData.Faiss.Interop;

/// <summary>
/// P/Invoke surface of <c>libskfaiss.so</c>, our <c>extern "C"</c> shim over FAISS's C++ API
/// (<c>native/faiss_shim/skfaiss.h</c>). Every function returns 0 or a negative error code.
/// </summary>
internal static unsafe partial class FaissNative
{
    internal const string LibraryName = "skfaiss";

    internal const int MetricInnerProduct = 0;
    internal const int MetricL2 = 1;

    static FaissNative() => FaissLibraryResolver.Register(typeof(FaissNative).Assembly);

    [LibraryImport(LibraryName, EntryPoint = "skf_last_error")]
    internal static partial nint LastError();

    [LibraryImport(LibraryName, EntryPoint = "skf_version")]
    internal static partial int Version(out int major, out int minor, out int patch);

    [LibraryImport(LibraryName, EntryPoint = "skf_index_factory", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int IndexFactory(int dimension, string description, int metric, out FaissIndexHandle index);

    [LibraryImport(LibraryName, EntryPoint = "skf_free")]
    internal static partial void Free(nint index);

    [LibraryImport(LibraryName, EntryPoint = "skf_dimension")]
    internal static partial int Dimension(FaissIndexHandle index, out int dimension);

    [LibraryImport(LibraryName, EntryPoint = "skf_metric")]
    internal static partial int Metric(FaissIndexHandle index, out int metric);

    [LibraryImport(LibraryName, EntryPoint = "skf_ntotal")]
    internal static partial int Count(FaissIndexHandle index, out long count);

    [LibraryImport(LibraryName, EntryPoint = "skf_is_trained")]
    internal static partial int IsTrained(FaissIndexHandle index, out int trained);

    [LibraryImport(LibraryName, EntryPoint = "skf_train")]
    internal static partial int Train(FaissIndexHandle index, long n, float* vectors);

    [LibraryImport(LibraryName, EntryPoint = "skf_add_with_ids")]
    internal static partial int AddWithIds(FaissIndexHandle index, long n, float* vectors, long* ids);

    [LibraryImport(LibraryName, EntryPoint = "skf_remove_ids")]
    internal static partial int RemoveIds(FaissIndexHandle index, long n, long* ids, out long removed);

    [LibraryImport(LibraryName, EntryPoint = "skf_supports_remove")]
    internal static partial int SupportsRemove(FaissIndexHandle index, out int supported);

    [LibraryImport(LibraryName, EntryPoint = "skf_search")]
    internal static partial int Search(
        FaissIndexHandle index, long n, float* queries, long k, float* distances, long* labels,
        long* selectorIds, long selectorCount, int selectorExclude, int efSearch, int nprobe);

    [LibraryImport(LibraryName, EntryPoint = "skf_reconstruct")]
    internal static partial int Reconstruct(FaissIndexHandle index, long id, float* vector);

    [LibraryImport(LibraryName, EntryPoint = "skf_get_ids")]
    internal static partial int GetIds(FaissIndexHandle index, long* ids, long capacity, out long count);

    [LibraryImport(LibraryName, EntryPoint = "skf_hnsw_set_ef_construction")]
    internal static partial int HnswSetEfConstruction(FaissIndexHandle index, int efConstruction);

    [LibraryImport(LibraryName, EntryPoint = "skf_hnsw_set_ef_search")]
    internal static partial int HnswSetEfSearch(FaissIndexHandle index, int efSearch);

    [LibraryImport(LibraryName, EntryPoint = "skf_write_index", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int WriteIndex(FaissIndexHandle index, string path);

    [LibraryImport(LibraryName, EntryPoint = "skf_read_index", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ReadIndex(string path, out FaissIndexHandle index);

    [LibraryImport(LibraryName, EntryPoint = "skf_set_omp_threads")]
    internal static partial int SetOmpThreads(int count);

    [LibraryImport(LibraryName, EntryPoint = "skf_get_omp_threads")]
    internal static partial int GetOmpThreads(out int count);

    [LibraryImport(LibraryName, EntryPoint = "skf_ivf_use_ondisk_lists", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int IvfUseOnDiskLists(FaissIndexHandle index, string path);

    [LibraryImport(LibraryName, EntryPoint = "skf_read_index_mmap", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ReadIndexMemoryMapped(string path, out FaissIndexHandle index);

    [LibraryImport(LibraryName, EntryPoint = "skf_ivf_copy_lists_to_disk", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int IvfCopyListsToDisk(FaissIndexHandle index, string path);

    [LibraryImport(LibraryName, EntryPoint = "skf_write_index_inline_lists", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int WriteIndexInlineLists(FaissIndexHandle index, string path);

    [LibraryImport(LibraryName, EntryPoint = "skfb_create")]
    internal static partial int BinaryCreate(int dimension, int kind, int parameter, out FaissBinaryIndexHandle index);

    [LibraryImport(LibraryName, EntryPoint = "skfb_free")]
    internal static partial void BinaryFree(nint index);

    [LibraryImport(LibraryName, EntryPoint = "skfb_dimension")]
    internal static partial int BinaryDimension(FaissBinaryIndexHandle index, out int dimension);

    [LibraryImport(LibraryName, EntryPoint = "skfb_ntotal")]
    internal static partial int BinaryCount(FaissBinaryIndexHandle index, out long count);

    [LibraryImport(LibraryName, EntryPoint = "skfb_is_trained")]
    internal static partial int BinaryIsTrained(FaissBinaryIndexHandle index, out int trained);

    [LibraryImport(LibraryName, EntryPoint = "skfb_train")]
    internal static partial int BinaryTrain(FaissBinaryIndexHandle index, long n, byte* codes);

    [LibraryImport(LibraryName, EntryPoint = "skfb_add_with_ids")]
    internal static partial int BinaryAddWithIds(FaissBinaryIndexHandle index, long n, byte* codes, long* ids);

    [LibraryImport(LibraryName, EntryPoint = "skfb_remove_ids")]
    internal static partial int BinaryRemoveIds(FaissBinaryIndexHandle index, long n, long* ids, out long removed);

    [LibraryImport(LibraryName, EntryPoint = "skfb_supports_remove")]
    internal static partial int BinarySupportsRemove(FaissBinaryIndexHandle index, out int supported);

    [LibraryImport(LibraryName, EntryPoint = "skfb_search")]
    internal static partial int BinarySearch(
        FaissBinaryIndexHandle index, long n, byte* queries, long k, int* distances, long* labels,
        long* selectorIds, long selectorCount, int selectorExclude);

    [LibraryImport(LibraryName, EntryPoint = "skfb_get_ids")]
    internal static partial int BinaryGetIds(FaissBinaryIndexHandle index, long* ids, long capacity, out long count);

    [LibraryImport(LibraryName, EntryPoint = "skfb_set_search_parameters")]
    internal static partial int BinarySetSearchParameters(FaissBinaryIndexHandle index, int efConstruction, int efSearch);

    [LibraryImport(LibraryName, EntryPoint = "skfb_write_index", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int BinaryWriteIndex(FaissBinaryIndexHandle index, string path);

    [LibraryImport(LibraryName, EntryPoint = "skfb_read_index", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int BinaryReadIndex(string path, out FaissBinaryIndexHandle index);

    /// <summary>Throws a <see cref="FaissException"/> carrying FAISS's message when <paramref name="code"/> is a failure.</summary>
    internal static void Check(int code, string operation)
    {
        if (code != 0)
        {
            string message = Marshal.PtrToStringUTF8(LastError()) ?? "unknown error";
            throw new FaissException($"FAISS {operation} failed: {message}", code) { OperationName = operation };
        }
    }
}
