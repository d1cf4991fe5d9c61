namespace SkEmbeddingGemma;

/// <summary>
/// One input of a call cannot be embedded as it is (too long with truncation off, or holding a token that is not text,
/// such as a multimodal placeholder); <see cref="InputIndex"/> says which, so a caller can name its own line or field.
/// </summary>
/// <remarks>It is an <see cref="ArgumentException"/> on <c>values</c>, so code that catches those keeps working.</remarks>
public sealed class EmbeddingGemmaInputException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="EmbeddingGemmaInputException"/> class.</summary>
    /// <param name="inputIndex">The position of the input in the call's values.</param>
    /// <param name="reason">What is wrong with it, without naming its position.</param>
    public EmbeddingGemmaInputException(int inputIndex, string reason)
        : base($"values[{inputIndex}] {reason}", "values")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputIndex);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        InputIndex = inputIndex;
        Reason = reason;
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingGemmaInputException"/> class for a failure with a cause.</summary>
    /// <param name="inputIndex">The position of the input in the call's values.</param>
    /// <param name="reason">What is wrong with it, without naming its position.</param>
    /// <param name="innerException">What failed, such as an image decoder's error.</param>
    public EmbeddingGemmaInputException(int inputIndex, string reason, Exception? innerException)
        : base($"values[{inputIndex}] {reason}", "values", innerException)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputIndex);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        InputIndex = inputIndex;
        Reason = reason;
    }

    /// <summary>Gets the position of the input in the call's values.</summary>
    public int InputIndex { get; }

    /// <summary>Gets what is wrong with the input, without naming its position (for messages that name it their own way).</summary>
    public string Reason { get; }
}
