namespace SkEmbeddingGemma.ModelFactory;

/// <summary>Outputs of <see cref="GemmaEncoderReference.Forward"/>, flattened row-major like the ONNX outputs.</summary>
public sealed class GemmaEncoderOutput
{
    internal GemmaEncoderOutput(int batchSize, int sequenceLength, float[] lastHiddenState, float[] sentenceEmbedding)
    {
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        LastHiddenState = lastHiddenState;
        SentenceEmbedding = sentenceEmbedding;
    }

    /// <summary>Number of sequences.</summary>
    public int BatchSize { get; }

    /// <summary>Tokens per sequence (including padding).</summary>
    public int SequenceLength { get; }

    /// <summary><c>last_hidden_state</c>: [batch, sequence, hidden].</summary>
    public ReadOnlyMemory<float> LastHiddenState { get; }

    /// <summary><c>sentence_embedding</c>: [batch, embedding dimensions], L2-normalized.</summary>
    public ReadOnlyMemory<float> SentenceEmbedding { get; }
}
