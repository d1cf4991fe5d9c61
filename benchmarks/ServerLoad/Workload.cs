using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Benchmarks.ServerLoad;

/// <summary>
/// One kind of request: its inputs, the OpenAI model id that selects its prompt on the server, the same prompt's
/// options for the in-process generator, and each input's token count (prompt included) for tokens/s.
/// </summary>
internal sealed record Workload(string Name, string[] Inputs, string ModelId, EmbeddingGenerationOptions Options, int[] Tokens)
{
    private static readonly string[] s_subjects =
    [
        "the Red Planet", "photosynthesis", "a vector index", "the French revolution", "sourdough bread", "TCP slow start",
        "black holes", "the stock market", "a binary search tree", "climate change", "the Roman empire", "vaccines",
    ];

    private static readonly string[] s_questions =
    [
        "What is {0}?", "How does {0} work?", "Why is {0} important?", "Who discovered {0}?", "Explain {0} to a child.",
        "What are the risks of {0}?", "When did {0} begin?", "Where can I learn about {0}?",
    ];

    private static readonly string[] s_words =
    [
        "the", "model", "embeds", "documents", "quickly", "planet", "ocean", "network", "vector", "search", "query",
        "index", "semantic", "retrieval", "language", "token", "kernel", "cloud", "local", "private", "fast", "river",
        "mountain", "history", "people", "system", "energy", "market", "water", "city", "report", "result", "study",
        "and", "of", "to", "in", "is", "that", "for", "with", "as", "on", "by", "from", "this", "which", "were",
    ];

    /// <summary>Short search queries, one per request: what an interactive search sends.</summary>
    public static Workload Queries(EmbeddingGemmaGenerator generator)
    {
        string[] inputs = [.. s_subjects.SelectMany(s => s_questions.Select(q => string.Format(System.Globalization.CultureInfo.InvariantCulture, q, s)))];
        EmbeddingGenerationOptions options = EmbeddingGemmaGenerationOptions.ForQuery();
        return new("short queries", inputs, "embeddinggemma:query", options, Count(generator, inputs, options));
    }

    /// <summary>
    /// <paramref name="count"/> deterministic documents of about <paramref name="tokens"/> tokens each (prompt
    /// included): the word count is fitted once from a first tokenization.
    /// </summary>
    public static Workload Documents(EmbeddingGemmaGenerator generator, int count, int tokens)
    {
        EmbeddingGenerationOptions options = EmbeddingGemmaGenerationOptions.ForDocuments();
        var random = new Random(17);
        string Text(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => s_words[random.Next(s_words.Length)]));
        int probe = generator.Tokenize([Text(tokens)], options)[0].Length;
        int words = Math.Max(1, tokens * tokens / probe);
        string[] inputs = [.. Enumerable.Range(0, count).Select(_ => Text(words))];
        return new($"{tokens}-token documents", inputs, "embeddinggemma:document", options, Count(generator, inputs, options));
    }

    private static int[] Count(EmbeddingGemmaGenerator generator, string[] inputs, EmbeddingGenerationOptions options) =>
        [.. generator.Tokenize(inputs, options).Select(ids => ids.Length)];
}
