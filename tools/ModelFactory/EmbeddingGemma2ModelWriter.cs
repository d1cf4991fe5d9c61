using Google.Protobuf;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Writes a random-weight EmbeddingGemma 2 text-model folder laid out like onnx-community's export:
/// <c>onnx/model.onnx</c> + <c>onnx/model.onnx_data</c> (inputs <c>input_ids</c>, <c>attention_mask</c>,
/// <c>image_features</c>, <c>video_features</c>, <c>audio_features</c>; outputs <c>sentence_embedding</c>,
/// <c>last_hidden_state</c>), <c>onnx/vision_encoder.onnx</c> when the config has a vision tower, the audio encoder
/// <c>onnx/audio_encoder.onnx</c> (<see cref="AudioEncoderGraph"/>), the Hugging Face / sentence-transformers /
/// processor JSON files and the tokenizer files.
/// </summary>
public static class EmbeddingGemma2ModelWriter
{
    /// <summary>Changes whenever generated EmbeddingGemma 2 graphs, weights or JSON files change, so caches keyed by it rebuild.</summary>
    public const string GeneratorVersion = "5a";

    /// <summary>Writes the model folder; existing files with the same names are overwritten.</summary>
    /// <param name="directory">Target folder (created if missing).</param>
    /// <param name="config">Architecture shape, e.g. <see cref="EmbeddingGemma2Config.Tiny"/>.</param>
    /// <param name="seed">Weight seed; the same seed always gives the same bytes.</param>
    /// <param name="tokenizerDirectory">Folder holding the tokenizer files to copy (<see cref="EmbeddingGemmaModelWriter.TokenizerFileNames"/>),
    /// or <see langword="null"/> to write none.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or <paramref name="config"/> is not a buildable shape.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> or <paramref name="config"/> is <see langword="null"/>.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="tokenizerDirectory"/> does not exist.</exception>
    public static void Write(string directory, EmbeddingGemma2Config config, int seed, string? tokenizerDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (tokenizerDirectory is not null && !Directory.Exists(tokenizerDirectory))
        {
            throw new DirectoryNotFoundException($"Tokenizer directory '{tokenizerDirectory}' does not exist.");
        }

        string onnxDirectory = Path.Combine(directory, "onnx");
        Directory.CreateDirectory(onnxDirectory);
        Quantization.Onnx.ModelProto model;
        using (var weights = new ExternalDataWriter(Path.Combine(onnxDirectory, "model.onnx_data"), seed, float16: false))
        {
            model = EmbeddingGemma2Graph.Build(config, weights);
        }

        using (var stream = new FileStream(Path.Combine(onnxDirectory, "model.onnx"), FileMode.Create, FileAccess.Write))
        {
            model.WriteTo(stream);
        }

        if (config.Vision is { } vision)
        {
            Quantization.Onnx.ModelProto visionModel;
            using (var weights = new ExternalDataWriter(Path.Combine(onnxDirectory, "vision_encoder.onnx_data"), seed, float16: false))
            {
                visionModel = GemmaVisionGraph.Build(vision, config.HiddenSize, weights);
            }

            using var stream = new FileStream(Path.Combine(onnxDirectory, "vision_encoder.onnx"), FileMode.Create, FileAccess.Write);
            visionModel.WriteTo(stream);
        }

        AudioEncoderGraph.Write(onnxDirectory, seed, config.HiddenSize);
        EmbeddingGemma2Metadata.WriteAll(directory, config);
        EmbeddingGemma2ProcessorFiles.Write(directory, config);
        EmbeddingGemmaModelWriter.CopyTokenizerFiles(tokenizerDirectory, directory);
    }
}
