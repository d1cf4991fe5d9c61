using System.Runtime.InteropServices;

namespace SkEmbeddingGemma.VectorData.Faiss.Interop;

/// <summary>Owns a native <c>faiss::IndexBinary*</c> created by the shim and frees it exactly once.</summary>
internal sealed class FaissBinaryIndexHandle : SafeHandle
{
    /// <summary>Initializes a new, invalid handle; the interop marshaller sets the native pointer.</summary>
    public FaissBinaryIndexHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        FaissNative.BinaryFree(handle);
        return true;
    }
}
