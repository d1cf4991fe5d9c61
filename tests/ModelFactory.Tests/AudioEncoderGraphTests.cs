using Microsoft.ML.OnnxRuntime;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// The random audio encoder has transformers.js's I/O contract and the real soft-token rule: one row per valid frame
/// among every 4th, padded frames dropped, clip after clip, and a clip's rows do not depend on the padding around it.
/// </summary>
public sealed class AudioEncoderGraphTests
{
    private const int Width = 32;

    [Fact]
    public void Contract_and_soft_tokens_match_the_upstream_encoder()
    {
        using var folder = new TempFolder();
        AudioEncoderGraph.Write(folder.Path, seed: 42, textHiddenSize: Width);
        using var session = new InferenceSession(Path.Combine(folder.Path, "audio_encoder.onnx"));

        Assert.Equal(["input_features", "input_features_mask"], session.InputNames);
        Assert.Equal(["audio_features"], session.OutputNames);
        Assert.Equal(typeof(float), session.InputMetadata["input_features"].ElementType);
        Assert.Equal([-1, -1, 128], session.InputMetadata["input_features"].Dimensions);
        Assert.Equal(typeof(bool), session.InputMetadata["input_features_mask"].ElementType);
        Assert.Equal([-1, Width], session.OutputMetadata["audio_features"].Dimensions);

        // Clip 0: 10 valid frames (rows of frames 0, 4, 8); clip 1: 5 valid frames then padding (frames 0, 4).
        const int frames = 10;
        var random = new Random(7);
        float[] features = [.. Enumerable.Range(0, 2 * frames * 128).Select(_ => (float)((random.NextDouble() * 12) - 7))];
        bool[] mask = [.. Enumerable.Range(0, 2 * frames).Select(i => i < frames || i - frames < 5)];
        float[] batch = Run(session, features, mask, 2, frames);
        Assert.Equal(5 * Width, batch.Length);

        float[] second = Run(session, features[(frames * 128)..((frames + 5) * 128)], [.. Enumerable.Repeat(true, 5)], 1, 5);
        Assert.Equal(2 * Width, second.Length);
        Assert.Equal(second, batch[(3 * Width)..]);
        Assert.Contains(batch, v => Math.Abs(v) > 0.1f);
    }

    private static float[] Run(InferenceSession session, float[] features, bool[] mask, int batch, int frames)
    {
        using var x = OrtValue.CreateTensorValueFromMemory(features, [batch, frames, 128]);
        using var m = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(), [batch, frames]);
        using var options = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(options, ["input_features", "input_features_mask"], [x, m], ["audio_features"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
