using System.Globalization;
using System.Text.Json;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// The sentence-transformers files both model generations share in form (prompts, module list, mean pooling), written
/// as indented JSON; each generation passes its own values.
/// </summary>
internal static class SentenceTransformersFiles
{
    private static readonly JsonWriterOptions s_indented = new() { Indented = true };

    /// <summary>Writes <c>config_sentence_transformers.json</c>: the library versions it names and the task prompts.</summary>
    public static void WriteConfig(
        string directory, (string SentenceTransformers, string Transformers, string PyTorch) versions, IEnumerable<(string Name, string Prompt)> prompts)
        => WriteJson(Path.Combine(directory, "config_sentence_transformers.json"), w =>
        {
            w.WriteStartObject();
            w.WriteString("model_type", "SentenceTransformer");
            w.WriteStartObject("__version__");
            w.WriteString("sentence_transformers", versions.SentenceTransformers);
            w.WriteString("transformers", versions.Transformers);
            w.WriteString("pytorch", versions.PyTorch);
            w.WriteEndObject();
            w.WriteStartObject("prompts");
            foreach ((string name, string prompt) in prompts)
            {
                w.WriteString(name, prompt);
            }

            w.WriteEndObject();
            w.WriteNull("default_prompt_name");
            w.WriteString("similarity_fn_name", "cosine");
            w.WriteEndObject();
        });

    /// <summary>Writes <c>modules.json</c>: the modules in order, each with its folder (empty for the transformer).</summary>
    public static void WriteModules(string directory, params (string Path, string Type)[] modules)
        => WriteJson(Path.Combine(directory, "modules.json"), w =>
        {
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
        });

    /// <summary>Writes <c>1_Pooling/config.json</c>: mean pooling over <paramref name="dimensions"/>, prompt tokens included.</summary>
    public static void WriteMeanPooling(string directory, int dimensions)
        => WriteJson(Path.Combine(directory, "1_Pooling", "config.json"), w =>
        {
            w.WriteStartObject();
            w.WriteNumber("word_embedding_dimension", dimensions);
            w.WriteBoolean("pooling_mode_cls_token", false);
            w.WriteBoolean("pooling_mode_mean_tokens", true);
            w.WriteBoolean("pooling_mode_max_tokens", false);
            w.WriteBoolean("pooling_mode_mean_sqrt_len_tokens", false);
            w.WriteBoolean("pooling_mode_weightedmean_tokens", false);
            w.WriteBoolean("pooling_mode_lasttoken", false);
            w.WriteBoolean("include_prompt", true);
            w.WriteEndObject();
        });

    /// <summary>Writes one indented JSON file, creating its folder.</summary>
    public static void WriteJson(string path, Action<Utf8JsonWriter> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var writer = new Utf8JsonWriter(stream, s_indented);
        write(writer);
    }
}
