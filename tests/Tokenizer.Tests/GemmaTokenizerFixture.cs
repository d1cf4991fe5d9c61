using System.Diagnostics;
using System.Text.Json;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>
/// Loads the tokenizers once per test run and asks transformers.js (the reference) for the ids of
/// <see cref="TokenizerCorpus.Texts"/> in both tokenizer folders.
/// </summary>
public sealed class GemmaTokenizerFixture : IAsyncLifetime
{
    public GemmaTokenizer Gemma3 { get; private set; } = null!;

    public GemmaTokenizer EmbeddingGemma { get; private set; } = null!;

    /// <summary>Gets EmbeddingGemma's tokenizer loaded from <c>tokenizer.model</c> (and <c>tokenizer_config.json</c>) only.</summary>
    public GemmaTokenizer EmbeddingGemmaFromModel { get; private set; } = null!;

    public string SentencePieceOnlyDirectory { get; private set; } = null!;

    /// <summary>Gets transformers.js ids for the Gemma 3 npm folder (framing <c>&lt;bos&gt; $A</c>).</summary>
    public int[][] Gemma3Reference { get; private set; } = null!;

    /// <summary>Gets transformers.js ids for the EmbeddingGemma folder (framing <c>&lt;bos&gt; $A &lt;eos&gt;</c>).</summary>
    public int[][] EmbeddingGemmaReference { get; private set; } = null!;

    public TimeSpan JsonLoadTime { get; private set; }

    public TimeSpan ModelLoadTime { get; private set; }

    public async Task InitializeAsync()
    {
        string gemma3 = GemmaTokenizerAssets.Gemma3TokenizerDirectory;
        string embeddingGemma = GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory;
        Task<int[][]> gemma3Reference = ReferenceAsync(gemma3);
        Task<int[][]> embeddingGemmaReference = ReferenceAsync(embeddingGemma);

        var stopwatch = Stopwatch.StartNew();
        Gemma3 = GemmaTokenizer.FromDirectory(gemma3);
        JsonLoadTime = stopwatch.Elapsed;
        EmbeddingGemma = GemmaTokenizer.FromDirectory(embeddingGemma);

        SentencePieceOnlyDirectory = Path.Combine(Path.GetTempPath(), $"skeg-spm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(SentencePieceOnlyDirectory);
        File.Copy(Path.Combine(embeddingGemma, "tokenizer.model"), Path.Combine(SentencePieceOnlyDirectory, "tokenizer.model"));
        File.Copy(Path.Combine(embeddingGemma, "tokenizer_config.json"), Path.Combine(SentencePieceOnlyDirectory, "tokenizer_config.json"));
        stopwatch.Restart();
        EmbeddingGemmaFromModel = GemmaTokenizer.FromDirectory(SentencePieceOnlyDirectory);
        ModelLoadTime = stopwatch.Elapsed;

        Gemma3Reference = await gemma3Reference;
        EmbeddingGemmaReference = await embeddingGemmaReference;
    }

    public Task DisposeAsync()
    {
        if (SentencePieceOnlyDirectory is not null && Directory.Exists(SentencePieceOnlyDirectory))
        {
            Directory.Delete(SentencePieceOnlyDirectory, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs <c>tokenize.mjs</c> over the corpus; texts travel as UTF-16 code units so lone surrogates survive.</summary>
    /// <remarks>
    /// Lone surrogates are sent as U+FFFD, what Hugging Face receives once .NET text is UTF-8: transformers.js would
    /// otherwise byte-fall-back the lone surrogate to &lt;0xEF&gt;&lt;0xBF&gt;&lt;0xBD&gt; (see <see cref="ReferenceIdTests"/>).
    /// </remarks>
    public static async Task<int[][]> ReferenceAsync(string tokenizerDirectory, IReadOnlyList<string>? texts = null, bool replaceLoneSurrogates = true)
    {
        texts ??= TokenizerCorpus.Texts;
        if (replaceLoneSurrogates)
        {
            texts = [.. texts.Select(TokenizerCorpus.ReplaceLoneSurrogates)];
        }

        string input = Path.GetTempFileName();
        string output = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(input, JsonSerializer.Serialize(texts.Select(static t => t.Select(static c => (int)c).ToArray())));
            await NodeReference.RunScriptAsync("tokenize.mjs", tokenizerDirectory, input, output);
            return JsonSerializer.Deserialize<int[][]>(await File.ReadAllTextAsync(output))!;
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GemmaTokenizerCollection : ICollectionFixture<GemmaTokenizerFixture>
{
    public const string Name = "Gemma tokenizer";
}
