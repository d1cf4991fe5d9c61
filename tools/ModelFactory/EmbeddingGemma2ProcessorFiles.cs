using System.Text.Json;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Writes EmbeddingGemma 2's processor files: <c>processor_config.json</c> (what transformers.js'
/// <c>EmbeddingGemma2Processor.from_pretrained</c> reads: the image processor, the audio feature extractor and the
/// video processor) and <c>preprocessor_config.json</c> (the feature extractor with <c>processor_class</c>, which
/// <c>AutoProcessor</c> requires).
/// </summary>
/// <remarks>
/// Values follow the released <c>processor_config.json</c> as quoted by public sources (ollama's blob, transformers'
/// conversion script); the video processor's budget of 70 soft tokens per frame follows transformers' class defaults.
/// </remarks>
internal static class EmbeddingGemma2ProcessorFiles
{
    public static void Write(string directory, EmbeddingGemma2Config c)
    {
        GemmaVisionConfig vision = c.Vision ?? GemmaVisionConfig.Tiny;
        SentenceTransformersFiles.WriteJson(Path.Combine(directory, "processor_config.json"), w =>
        {
            w.WriteStartObject();
            w.WriteString("processor_class", "EmbeddingGemma2Processor");
            w.WriteNumber("image_seq_length", vision.DefaultOutputLength);
            w.WriteNumber("audio_seq_length", 280);
            w.WriteNumber("audio_ms_per_token", 40);
            w.WriteStartObject("image_processor");
            WriteImageProcessor(w, "Gemma4ImageProcessor", vision, vision.DefaultOutputLength);
            w.WriteEndObject();
            w.WriteStartObject("feature_extractor");
            WriteFeatureExtractor(w);
            w.WriteEndObject();
            w.WriteStartObject("video_processor");
            WriteImageProcessor(w, "EmbeddingGemma2VideoProcessor", vision, vision.VideoOutputLength);
            w.WriteNumber("max_frames", 32);
            w.WriteNumber("fps", 1);
            w.WriteString("overflow_strategy", "uniform");
            w.WriteBoolean("add_timestamps", false);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        SentenceTransformersFiles.WriteJson(Path.Combine(directory, "preprocessor_config.json"), w =>
        {
            w.WriteStartObject();
            WriteFeatureExtractor(w);
            w.WriteString("processor_class", "EmbeddingGemma2Processor");
            w.WriteEndObject();
        });
    }

    private static void WriteImageProcessor(Utf8JsonWriter w, string type, GemmaVisionConfig vision, int maxSoftTokens)
    {
        w.WriteString("image_processor_type", type);
        w.WriteNumber("patch_size", vision.PatchSize);
        w.WriteNumber("max_soft_tokens", maxSoftTokens);
        w.WriteNumber("pooling_kernel_size", vision.PoolingKernelSize);
        w.WriteNumber("resample", 3);
        w.WriteBoolean("do_resize", true);
        w.WriteBoolean("do_rescale", true);
        w.WriteNumber("rescale_factor", 1 / 255.0);
        w.WriteBoolean("do_normalize", false);
        w.WriteBoolean("do_convert_rgb", true);
        w.WriteStartArray("image_mean");
        w.WriteNumberValue(0.0);
        w.WriteNumberValue(0.0);
        w.WriteNumberValue(0.0);
        w.WriteEndArray();
        w.WriteStartArray("image_std");
        w.WriteNumberValue(1.0);
        w.WriteNumberValue(1.0);
        w.WriteNumberValue(1.0);
        w.WriteEndArray();
    }

    private static void WriteFeatureExtractor(Utf8JsonWriter w)
    {
        w.WriteString("feature_extractor_type", "Gemma4AudioFeatureExtractor");
        w.WriteNumber("feature_size", 128);
        w.WriteNumber("sampling_rate", 16000);
        w.WriteNumber("padding_value", 0.0);
        w.WriteString("padding_side", "right");
        w.WriteBoolean("return_attention_mask", true);
        w.WriteNumber("frame_length", 320);
        w.WriteNumber("hop_length", 160);
        w.WriteNumber("fft_length", 512);
        w.WriteNumber("min_frequency", 0.0);
        w.WriteNumber("max_frequency", 8000.0);
        w.WriteNumber("mel_floor", 0.001);
        w.WriteNumber("preemphasis", 0.0);
        w.WriteBoolean("preemphasis_htk_flavor", true);
        w.WriteNumber("dither", 0.0);
        w.WriteNumber("input_scale_factor", 1.0);
    }
}
