using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// A collection was opened with a definition (key, properties, vector dimensions, distance function, index kind) or an
/// embedding generator other than the one it was created with; the message names what the store holds and what this
/// instance asked for. Nothing was read or written.
/// </summary>
/// <remarks>Instances are immutable and safe to share across threads.</remarks>
public sealed class FaissCollectionMismatchException : VectorStoreException
{
    /// <summary>Initializes a new instance of the <see cref="FaissCollectionMismatchException"/> class.</summary>
    public FaissCollectionMismatchException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FaissCollectionMismatchException"/> class with a message.</summary>
    /// <param name="message">The message, naming the stored and the requested settings.</param>
    public FaissCollectionMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FaissCollectionMismatchException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public FaissCollectionMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
