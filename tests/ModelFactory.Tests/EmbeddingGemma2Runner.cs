using Microsoft.ML.OnnxRuntime;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>Runs an EmbeddingGemma 2 text graph with its five inputs and copies both outputs out.</summary>
internal static class EmbeddingGemma2Runner
{
    private static readonly string[] s_inputNames = ["input_ids", "attention_mask", "image_features", "video_features", "audio_features"];
    private static readonly string[] s_outputNames = ["sentence_embedding", "last_hidden_state"];

    /// <summary>Runs <paramref name="batch"/>; media features default to empty <c>[0, hidden]</c> tensors (text only).</summary>
    public static (float[] Embedding, float[] Hidden) Run(InferenceSession session, TokenBatch batch, int hiddenSize, float[]? imageFeatures = null)
    {
        long[] shape = [batch.BatchSize, batch.SequenceLength];
        float[] image = imageFeatures ?? [];
        using OrtValue ids = OrtValue.CreateTensorValueFromMemory(batch.Ids, shape);
        using OrtValue mask = OrtValue.CreateTensorValueFromMemory(batch.Mask, shape);
        using OrtValue imageValue = OrtValue.CreateTensorValueFromMemory(image, [image.Length / hiddenSize, hiddenSize]);
        using OrtValue video = OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [0, hiddenSize]);
        using OrtValue audio = OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [0, hiddenSize]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, s_inputNames, [ids, mask, imageValue, video, audio], s_outputNames);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<float>().ToArray());
    }
}
