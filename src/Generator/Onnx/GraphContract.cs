using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkEmbeddingGemma.Model;

namespace SkEmbeddingGemma.Onnx;

/// <summary>
/// The inputs and output of an EmbeddingGemma graph, read from the graph itself so that exports with extra inputs
/// (EmbeddingGemma 2's empty <c>image_features</c>, <c>position_ids</c>, ...) need a new filler, not a new engine.
/// </summary>
internal sealed class GraphContract
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string SentenceEmbedding = "sentence_embedding";
    public const string LastHiddenState = "last_hidden_state";

    private GraphContract(IReadOnlyList<ExtraInput> extraInputs, int? embeddingDimensions, int? tokenEmbeddingWidth)
    {
        ExtraInputs = extraInputs;
        EmbeddingDimensions = embeddingDimensions;
        TokenEmbeddingWidth = tokenEmbeddingWidth;
    }

    /// <summary>Gets the inputs besides <c>input_ids</c> and <c>attention_mask</c>, with how each is filled.</summary>
    public IReadOnlyList<ExtraInput> ExtraInputs { get; }

    /// <summary>Gets the fixed width of <c>sentence_embedding</c>, or null when the graph leaves it dynamic.</summary>
    public int? EmbeddingDimensions { get; }

    /// <summary>
    /// Gets the width of the per-token output <c>last_hidden_state</c> (float32 [batch, sequence, width]; 0 when the graph
    /// leaves it dynamic), or null when the graph has no such output. Token embeddings are optional: pooled embeddings need only <c>sentence_embedding</c>.
    /// </summary>
    public int? TokenEmbeddingWidth { get; }

    /// <summary>Checks that a session is an EmbeddingGemma export and describes how to feed it.</summary>
    /// <param name="session">The session.</param>
    /// <param name="modelPath">The graph, for messages.</param>
    /// <param name="featureWidth">The text model's hidden size, for media feature inputs of symbolic width; null when unknown.</param>
    /// <exception cref="InvalidDataException">The graph lacks an input or output, or one has the wrong type.</exception>
    /// <exception cref="NotSupportedException">The graph computes in float16.</exception>
    public static GraphContract Read(InferenceSession session, string modelPath, int? featureWidth)
    {
        IReadOnlyDictionary<string, NodeMetadata> inputs = session.InputMetadata;
        IReadOnlyDictionary<string, NodeMetadata> outputs = session.OutputMetadata;

        RequireTokenInput(inputs, InputIds, modelPath);
        RequireTokenInput(inputs, AttentionMask, modelPath);

        if (!outputs.TryGetValue(SentenceEmbedding, out NodeMetadata? output))
        {
            throw new InvalidDataException(
                $"'{modelPath}' is not an EmbeddingGemma sentence-embedding export: it has no '{SentenceEmbedding}' output " +
                $"(outputs: {string.Join(", ", outputs.Keys)}).");
        }

        if (output.ElementDataType is TensorElementType.Float16 or TensorElementType.BFloat16)
        {
            throw ModelFolder.Float16NotSupported(modelPath);
        }

        if (output.ElementDataType != TensorElementType.Float || output.Dimensions.Length != 2)
        {
            throw new InvalidDataException(
                $"'{modelPath}': output '{SentenceEmbedding}' must be float32 [batch, dimensions], not {output.ElementDataType} of rank {output.Dimensions.Length}.");
        }

        var extras = new List<ExtraInput>();
        foreach ((string name, NodeMetadata metadata) in inputs)
        {
            if (name is not (InputIds or AttentionMask))
            {
                extras.Add(ExtraInput.Describe(name, metadata, modelPath, featureWidth));
            }
        }

        int width = output.Dimensions[1];
        int? tokenWidth = outputs.TryGetValue(LastHiddenState, out NodeMetadata? tokens) && tokens.ElementDataType == TensorElementType.Float && tokens.Dimensions.Length == 3
            ? Math.Max(tokens.Dimensions[2], 0)
            : null;
        return new GraphContract(extras, width > 0 ? width : null, tokenWidth);
    }

    private static void RequireTokenInput(IReadOnlyDictionary<string, NodeMetadata> inputs, string name, string modelPath)
    {
        if (!inputs.TryGetValue(name, out NodeMetadata? metadata))
        {
            throw new InvalidDataException(
                $"'{modelPath}' is not an EmbeddingGemma export: it has no '{name}' input (inputs: {string.Join(", ", inputs.Keys)}).");
        }

        if (metadata.ElementDataType != TensorElementType.Int64 || metadata.Dimensions.Length != 2)
        {
            throw new InvalidDataException(
                $"'{modelPath}': input '{name}' must be int64 [batch, sequence], not {metadata.ElementDataType} of rank {metadata.Dimensions.Length}.");
        }
    }
}
