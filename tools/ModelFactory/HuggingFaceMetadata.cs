using System.Text.Json;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>Writes the JSON files of an EmbeddingGemma Hugging Face / sentence-transformers folder.</summary>
internal static class HuggingFaceMetadata
{
    // EmbeddingGemma's task prompts, verbatim from its config_sentence_transformers.json.
    private static readonly (string Name, string Prompt)[] s_prompts =
    [
        ("query", "task: search result | query: "),
        ("document", "title: none | text: "),
        ("BitextMining", "task: search result | query: "),
        ("Clustering", "task: clustering | query: "),
        ("Classification", "task: classification | query: "),
        ("InstructionRetrieval", "task: code retrieval | query: "),
        ("MultilabelClassification", "task: classification | query: "),
        ("PairClassification", "task: sentence similarity | query: "),
        ("Reranking", "task: search result | query: "),
        ("Retrieval", "task: search result | query: "),
        ("Retrieval-query", "task: search result | query: "),
        ("Retrieval-document", "title: none | text: "),
        ("STS", "task: sentence similarity | query: "),
        ("Summarization", "task: summarization | query: "),
    ];

    public static void WriteAll(string directory, GemmaEncoderConfig c)
    {
        SentenceTransformersFiles.WriteJson(Path.Combine(directory, "config.json"), w => WriteConfig(w, c));
        SentenceTransformersFiles.WriteConfig(directory, ("5.1.0", "4.57.0.dev0", "2.8.0"), s_prompts);
        SentenceTransformersFiles.WriteModules(
            directory,
            (string.Empty, "sentence_transformers.models.Transformer"),
            ("1_Pooling", "sentence_transformers.models.Pooling"),
            ("2_Dense", "sentence_transformers.models.Dense"),
            ("3_Dense", "sentence_transformers.models.Dense"),
            ("4_Normalize", "sentence_transformers.models.Normalize"));
        SentenceTransformersFiles.WriteMeanPooling(directory, c.HiddenSize);
        SentenceTransformersFiles.WriteJson(Path.Combine(directory, "2_Dense", "config.json"), w => WriteDense(w, c.HiddenSize, c.DenseIntermediateSize));
        SentenceTransformersFiles.WriteJson(Path.Combine(directory, "3_Dense", "config.json"), w => WriteDense(w, c.DenseIntermediateSize, c.EmbeddingDimensions));
    }

    private static void WriteConfig(Utf8JsonWriter w, GemmaEncoderConfig c)
    {
        w.WriteStartObject();
        w.WriteStartArray("architectures");
        w.WriteStringValue("Gemma3TextModel");
        w.WriteEndArray();
        w.WriteBoolean("attention_bias", false);
        w.WriteNumber("attention_dropout", 0.0);
        w.WriteNull("attn_logit_softcapping");
        w.WriteNumber("bos_token_id", 2);
        w.WriteNumber("eos_token_id", 1);
        w.WriteNull("final_logit_softcapping");
        w.WriteNumber("head_dim", c.HeadDim);
        w.WriteString("hidden_activation", "gelu_pytorch_tanh");
        w.WriteNumber("hidden_size", c.HiddenSize);
        w.WriteNumber("initializer_range", 0.02);
        w.WriteNumber("intermediate_size", c.IntermediateSize);
        w.WriteStartArray("layer_types");
        foreach (string type in c.LayerTypes)
        {
            w.WriteStringValue(type);
        }

        w.WriteEndArray();
        w.WriteNumber("max_position_embeddings", c.MaxPositionEmbeddings);
        w.WriteString("model_type", "gemma3_text");
        w.WriteNumber("num_attention_heads", c.NumAttentionHeads);
        w.WriteNumber("num_hidden_layers", c.NumHiddenLayers);
        w.WriteNumber("num_key_value_heads", c.NumKeyValueHeads);
        w.WriteNumber("pad_token_id", 0);
        w.WriteNumber("query_pre_attn_scalar", c.QueryPreAttnScalar);
        w.WriteNumber("rms_norm_eps", c.RmsNormEps);
        w.WriteNumber("rope_local_base_freq", c.RopeLocalBaseFreq);
        w.WriteNull("rope_scaling");
        w.WriteNumber("rope_theta", c.RopeTheta);
        w.WriteNumber("sliding_window", c.SlidingWindow);
        w.WriteString("torch_dtype", "float32");
        w.WriteString("transformers_version", "4.57.0.dev0");
        w.WriteBoolean("use_bidirectional_attention", true);
        w.WriteBoolean("use_cache", true);
        w.WriteNumber("vocab_size", c.VocabSize);
        w.WriteString("skembeddinggemma_generator", EmbeddingGemmaModelWriter.GeneratorVersion);
        w.WriteEndObject();
    }

    private static void WriteDense(Utf8JsonWriter w, int inFeatures, int outFeatures)
    {
        w.WriteStartObject();
        w.WriteNumber("in_features", inFeatures);
        w.WriteNumber("out_features", outFeatures);
        w.WriteBoolean("bias", false);
        w.WriteString("activation_function", "torch.nn.modules.linear.Identity");
        w.WriteEndObject();
    }

}
