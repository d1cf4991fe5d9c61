using Google.Protobuf;
using SkEmbeddingGemma.Quantization.Onnx;
using DataType = SkEmbeddingGemma.Quantization.Onnx.TensorProto.Types.DataType;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// A random-weight EmbeddingGemma 2 audio encoder, <c>onnx/audio_encoder.onnx</c>, with the upstream I/O contract as
/// transformers.js calls it: <c>input_features</c> float <c>[batch, frames, 128]</c> and <c>input_features_mask</c>
/// bool <c>[batch, frames]</c> in, <c>audio_features</c> float <c>[num_audio_soft_tokens, text hidden size]</c> out
/// (512 in EmbeddingGemma 2) — one row per
/// valid frame among every 4th (the two stride-2 sub-sampling convolutions keep <c>mask[:, ::4]</c>), padded frames
/// removed, rows in batch-major order.
/// </summary>
/// <remarks>
/// The internals are simpler than the real tower (sub-sampling convolutions, 12 conformer layers, output projection,
/// <c>embed_audio</c>): every 4th frame goes through <c>tanh(x·W1 + b1)·W2</c>, 128 → 1024 → text hidden size, then the rows of
/// padded frames are dropped (<c>Compress</c>). The count and order of soft tokens, which the text graph's checks and
/// placement depend on, are the real ones.
/// </remarks>
internal static class AudioEncoderGraph
{
    public const int MelBins = 128;
    public const int HiddenSize = 1024;
    public const int FramesPerToken = 4;
    private const long IrVersion = 8;
    private const long OpsetVersion = 17;

    /// <summary>
    /// Writes <c>audio_encoder.onnx</c> and its weights, <c>audio_encoder.onnx_data</c>, into
    /// <paramref name="onnxDirectory"/>: external data like every graph of the folder, since the folder's
    /// <c>transformers.js_config.use_external_data_format</c> applies to all of its sessions.
    /// </summary>
    /// <param name="onnxDirectory">The folder of the model's graphs.</param>
    /// <param name="seed">Weight seed.</param>
    /// <param name="textHiddenSize">The text model's hidden size, the width of <c>audio_features</c>.</param>
    public static void Write(string onnxDirectory, int seed, int textHiddenSize)
    {
        ModelProto model;
        using (var weights = new ExternalDataWriter(Path.Combine(onnxDirectory, "audio_encoder.onnx_data"), seed, float16: false))
        {
            model = Build(weights, textHiddenSize);
        }

        using var stream = new FileStream(Path.Combine(onnxDirectory, "audio_encoder.onnx"), FileMode.Create, FileAccess.Write);
        model.WriteTo(stream);
    }

    public static ModelProto Build(ExternalDataWriter weights, int textHiddenSize)
    {
        var g = new OnnxGraphBuilder("embeddinggemma2_audio_encoder");
        g.AddInput("input_features", DataType.Float, "batch_size", "num_frames", MelBins)
         .AddInput("input_features_mask", DataType.Bool, "batch_size", "num_frames")
         .AddOutput("audio_features", DataType.Float, "num_audio_soft_tokens", textHiddenSize);

        // Every 4th frame and its mask entry, as two stride-2 convolutions with "mask = mask[:, ::2]" keep them.
        string starts = g.ConstInt64([0], 1);
        string ends = g.ConstInt64([long.MaxValue], 1);
        string axes = g.ConstInt64([1], 1);
        string steps = g.ConstInt64([FramesPerToken], 1);
        string frames = g.Node("Slice", ["input_features", starts, ends, axes, steps]);
        string mask = g.Node("Slice", ["input_features_mask", starts, ends, axes, steps]);

        // Normal weights with std 1/sqrt(fan-in): log-mel values lie around [-7, 5], and tanh stays off saturation.
        string Weight(string name, float std, params int[] shape)
        {
            g.AddInitializer(weights.Write(new WeightSpec(name, shape, std)));
            return name;
        }

        string w1 = Weight("audio_tower.input_proj.weight", 1 / MathF.Sqrt(MelBins * 16), MelBins, HiddenSize);
        string b1 = Weight("audio_tower.input_proj.bias", 0.1f, HiddenSize);
        string w2 = Weight("embed_audio.embedding_projection.weight", 1 / MathF.Sqrt(HiddenSize), HiddenSize, textHiddenSize);
        string hidden = g.Node("Tanh", [g.Node("Add", [g.Node("MatMul", [frames, w1]), b1])]);
        string projected = g.Node("MatMul", [hidden, w2]);

        string rows = g.Node("Reshape", [projected, g.ConstInt64([-1, textHiddenSize], 2)]);
        string keep = g.Node("Reshape", [mask, g.ConstInt64([-1], 1)]);
        g.NodeNamed("Compress", [rows, keep], ["audio_features"], [OnnxGraphBuilder.Attr("axis", 0L)]);
        return g.Build(IrVersion, OpsetVersion, "SkEmbeddingGemma.ModelFactory", EmbeddingGemma2ModelWriter.GeneratorVersion);
    }
}
