using System.Globalization;
using System.Text.Json;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Writes the JSON files of an EmbeddingGemma 2 Hugging Face / sentence-transformers folder: <c>config.json</c>
/// (<c>embedding_gemma2</c> with a <c>text_config</c>), <c>config_sentence_transformers.json</c>,
/// <c>sentence_bert_config.json</c>, <c>modules.json</c> and <c>1_Pooling/config.json</c>.
/// </summary>
/// <remarks>
/// Values follow transformers' <c>convert_embedding_gemma2_weights.py</c> (token ids, prompts, sub-configs) and the
/// released <c>config.json</c> as quoted by public sources (sliding radius 512, default RoPE on full layers).
/// </remarks>
internal static class EmbeddingGemma2Metadata
{
    public const int BeginImageTokenId = 255999;
    public const int BeginAudioTokenId = 256000;
    public const int ImageTokenId = 258880;
    public const int AudioTokenId = 258881;
    public const int EndImageTokenId = 258882;
    public const int EndAudioTokenId = 258883;
    public const int VideoTokenId = 258884;

    private static readonly JsonWriterOptions s_indented = new() { Indented = true };

    // EmbeddingGemma 2's task prompts, verbatim from transformers' convert_embedding_gemma2_weights.py (_TASK_PROMPTS).
    private static readonly (string Name, string Prompt)[] s_prompts =
    [
        ("query", "task: search result | query: "),
        ("document", "title: none | text: "),
        ("BitextMining", "task: search result | query: "),
        ("CodeRetrieval", "task: code retrieval | query: "),
        ("Clustering", "task: clustering | query: "),
        ("Classification", "task: classification | query: "),
        ("Document", "title: none | text: "),
        ("FactChecking", "task: fact checking | query: "),
        ("InstructionRetrieval", "task: code retrieval | query: "),
        ("MultilabelClassification", "task: classification | query: "),
        ("PairClassification", "task: sentence similarity | query: "),
        ("QuestionAnswering", "task: question answering | query: "),
        ("Reranking", "task: search result | query: "),
        ("Retrieval", "task: search result | query: "),
        ("Retrieval-query", "task: search result | query: "),
        ("Retrieval-document", "title: none | text: "),
        ("SearchQuery", "task: search result | query: "),
        ("SentenceSimilarity", "task: sentence similarity | query: "),
        ("STS", "task: sentence similarity | query: "),
        ("Summarization", "task: sentence similarity | query: "),
    ];

    public static IReadOnlyList<(string Name, string Prompt)> Prompts => s_prompts;

    public static void WriteAll(string directory, EmbeddingGemma2Config c)
    {
        WriteJson(Path.Combine(directory, "config.json"), w => WriteConfig(w, c));
        WriteJson(Path.Combine(directory, "config_sentence_transformers.json"), WriteSentenceTransformersConfig);
        WriteJson(Path.Combine(directory, "sentence_bert_config.json"), w =>
        {
            w.WriteStartObject();
            w.WriteNumber("max_seq_length", c.MaxSequenceLength);
            w.WriteBoolean("do_lower_case", false);
            w.WriteEndObject();
        });
        WriteJson(Path.Combine(directory, "modules.json"), WriteModules);
        WriteJson(Path.Combine(directory, "1_Pooling", "config.json"), w =>
        {
            w.WriteStartObject();
            w.WriteNumber("word_embedding_dimension", c.EmbeddingDim);
            w.WriteBoolean("pooling_mode_cls_token", false);
            w.WriteBoolean("pooling_mode_mean_tokens", true);
            w.WriteBoolean("pooling_mode_max_tokens", false);
            w.WriteBoolean("pooling_mode_mean_sqrt_len_tokens", false);
            w.WriteBoolean("pooling_mode_weightedmean_tokens", false);
            w.WriteBoolean("pooling_mode_lasttoken", false);
            w.WriteBoolean("include_prompt", true);
            w.WriteEndObject();
        });
    }

    private static void WriteConfig(Utf8JsonWriter w, EmbeddingGemma2Config c)
    {
        w.WriteStartObject();
        w.WriteStartArray("architectures");
        w.WriteStringValue("EmbeddingGemma2Model");
        w.WriteEndArray();
        w.WriteString("model_type", "embedding_gemma2");
        w.WriteNumber("boi_token_id", BeginImageTokenId);
        w.WriteNumber("eoi_token_id", EndImageTokenId);
        w.WriteNumber("image_token_id", ImageTokenId);
        w.WriteNumber("video_token_id", VideoTokenId);
        w.WriteNumber("boa_token_id", BeginAudioTokenId);
        // Upstream's name, not "eoa_token_id".
        w.WriteNumber("eoa_token_index", EndAudioTokenId);
        w.WriteNumber("audio_token_id", AudioTokenId);
        w.WriteNumber("vision_soft_tokens_per_image", 280);

        w.WriteStartObject("text_config");
        w.WriteString("model_type", "embedding_gemma2_text");
        w.WriteNumber("vocab_size", c.VocabSize);
        w.WriteNumber("hidden_size", c.HiddenSize);
        w.WriteNumber("intermediate_size", c.IntermediateSize);
        w.WriteNumber("num_hidden_layers", c.NumHiddenLayers);
        w.WriteNumber("num_attention_heads", c.NumAttentionHeads);
        w.WriteNumber("num_key_value_heads", c.NumKeyValueHeads);
        w.WriteNumber("head_dim", c.HeadDim);
        w.WriteNumber("hidden_size_per_layer_input", c.HiddenSizePerLayerInput);
        w.WriteNumber("embedding_dim", c.EmbeddingDim);
        w.WriteNumber("rms_norm_eps", c.RmsNormEps);
        w.WriteString("hidden_activation", "gelu_pytorch_tanh");
        w.WriteNumber("pad_token_id", 0);
        w.WriteNumber("eos_token_id", 1);
        w.WriteNumber("bos_token_id", 2);
        w.WriteBoolean("attention_bias", false);
        w.WriteNumber("attention_dropout", 0.0);
        w.WriteString("use_bidirectional_attention", "all");
        w.WriteBoolean("attention_k_eq_v", false);
        w.WriteNumber("num_kv_shared_layers", 0);
        w.WriteNumber("max_position_embeddings", c.MaxPositionEmbeddings);
        w.WriteNumber("sliding_window", c.SlidingWindow);
        w.WriteStartArray("layer_types");
        foreach (string type in c.LayerTypes)
        {
            w.WriteStringValue(type);
        }

        w.WriteEndArray();
        w.WriteStartObject("per_layer_config");
        for (int layer = 0; layer < c.NumHiddenLayers; layer++)
        {
            if (!c.IsSlidingLayer(layer))
            {
                w.WriteStartObject(layer.ToString("00", CultureInfo.InvariantCulture));
                w.WriteNumber("head_dim", c.FullAttentionHeadDim);
                w.WriteNumber("num_key_value_heads", c.FullAttentionKeyValueHeads);
                w.WriteEndObject();
            }
        }

        w.WriteEndObject();
        w.WriteStartObject("rope_parameters");
        WriteRope(w, "sliding_attention", c.SlidingRopeTheta);
        WriteRope(w, "full_attention", c.FullRopeTheta);
        w.WriteEndObject();
        w.WriteString("dtype", "float32");
        w.WriteEndObject();

        // The media encoders' shapes (transformers' conversion script); this folder holds no encoder graphs, so
        // transformers.js users null these two entries for text-only use, as its EmbeddingGemma2Model documents.
        w.WriteStartObject("vision_config");
        w.WriteString("model_type", "gemma4_vision");
        w.WriteNumber("hidden_size", 768);
        w.WriteNumber("intermediate_size", 3072);
        w.WriteNumber("num_hidden_layers", 16);
        w.WriteNumber("num_attention_heads", 12);
        w.WriteNumber("num_key_value_heads", 12);
        w.WriteNumber("head_dim", 64);
        w.WriteNumber("patch_size", 16);
        w.WriteNumber("pooling_kernel_size", 3);
        w.WriteNumber("position_embedding_size", 10240);
        w.WriteNumber("default_output_length", 280);
        w.WriteBoolean("use_clipped_linears", false);
        w.WriteBoolean("standardize", false);
        w.WriteEndObject();
        w.WriteStartObject("audio_config");
        w.WriteString("model_type", "gemma4_audio");
        w.WriteNumber("hidden_size", 1024);
        w.WriteNumber("num_hidden_layers", 12);
        w.WriteNumber("num_attention_heads", 8);
        w.WriteNumber("output_proj_dims", 1536);
        w.WriteBoolean("use_clipped_linears", true);
        w.WriteEndObject();

        w.WriteStartObject("transformers.js_config");
        w.WriteBoolean("use_external_data_format", true);
        w.WriteEndObject();
        w.WriteString("torch_dtype", "float32");
        w.WriteString("skembeddinggemma_generator", EmbeddingGemma2ModelWriter.GeneratorVersion);
        w.WriteEndObject();
    }

    private static void WriteRope(Utf8JsonWriter w, string layerType, float theta)
    {
        w.WriteStartObject(layerType);
        w.WriteString("rope_type", "default");
        w.WriteNumber("rope_theta", theta);
        w.WriteEndObject();
    }

    private static void WriteSentenceTransformersConfig(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("model_type", "SentenceTransformer");
        w.WriteStartObject("__version__");
        w.WriteString("sentence_transformers", "5.2.0");
        w.WriteString("transformers", "5.0.0");
        w.WriteString("pytorch", "2.9.0");
        w.WriteEndObject();
        w.WriteStartObject("prompts");
        foreach ((string name, string prompt) in s_prompts)
        {
            w.WriteString(name, prompt);
        }

        w.WriteEndObject();
        w.WriteNull("default_prompt_name");
        w.WriteString("similarity_fn_name", "cosine");
        w.WriteEndObject();
    }

    // Transformer, Pooling, Normalize: EmbeddingGemma 2 has no Dense layers (the projection is inside the model).
    private static void WriteModules(Utf8JsonWriter w)
    {
        (string Path, string Type)[] modules =
        [
            (string.Empty, "sentence_transformers.models.Transformer"),
            ("1_Pooling", "sentence_transformers.models.Pooling"),
            ("2_Normalize", "sentence_transformers.models.Normalize"),
        ];
        w.WriteStartArray();
        for (int i = 0; i < modules.Length; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("idx", i);
            w.WriteString("name", i.ToString(CultureInfo.InvariantCulture));
            w.WriteString("path", modules[i].Path);
            w.WriteString("type", modules[i].Type);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteJson(string path, Action<Utf8JsonWriter> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var writer = new Utf8JsonWriter(stream, s_indented);
        write(writer);
    }
}
