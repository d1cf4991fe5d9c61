using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>A failure reported by FAISS (through the native shim), carrying FAISS's own message.</summary>
/// <remarks>Instances are immutable and safe to share across threads.</remarks>
public sealed class FaissException : VectorStoreException
{
    /// <summary>Initializes a new instance of the <see cref="FaissException"/> class.</summary>
    public FaissException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FaissException"/> class with a message.</summary>
    /// <param name="message">The message, including FAISS's own text.</param>
    public FaissException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FaissException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public FaissException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FaissException"/> class with a native error code.</summary>
    /// <param name="message">The message, including FAISS's own text.</param>
    /// <param name="errorCode">The shim's error code (negative).</param>
    public FaissException(string message, int errorCode)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>
    /// Gets the shim's error code: -1 a <c>faiss::FaissException</c>, -2 another C++ exception, -3 an unknown one,
    /// -4 an invalid argument, -5 out of memory; 0 when the failure was detected on the managed side.
    /// </summary>
    public int ErrorCode { get; }
}
