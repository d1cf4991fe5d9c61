namespace SkEmbeddingGemma.Benchmarks;

/// <summary>A deterministic mixed-length corpus: 8 to 400 words per document, skewed short, several languages.</summary>
internal static class BenchCorpus
{
    private static readonly string[] s_words =
    [
        "the", "model", "embeds", "documents", "quickly", "planet", "Mars", "red", "ocean", "network", "vector", "search",
        "query", "index", "semantic", "retrieval", "language", "token", "kernel", "cloud", "local", "private", "fast",
        "données", "recherche", "rapide", "modèle", "Daten", "schnell", "Suche", "datos", "búsqueda", "rápido",
        "数据", "搜索", "模型", "データ", "検索", "данные", "поиск", "модель", "بيانات", "बहुत", "ข้อมูล",
        "2026", "3.14", "v1.2.3", "HTTP/2", "C#", "async", "await", "=>", "{", "}", "(x)", "--flag",
    ];

    /// <summary>Creates <paramref name="count"/> documents from a seed.</summary>
    public static string[] Create(int count, int seed) => Enumerate(count, seed).ToArray();

    /// <summary>Yields <paramref name="count"/> documents from a seed, one at a time (the same ones <see cref="Create"/> makes).</summary>
    public static IEnumerable<string> Enumerate(int count, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            double u = random.NextDouble();
            int words = 8 + (int)(392 * u * u * u);
            yield return string.Join(' ', Enumerable.Range(0, words).Select(_ => s_words[random.Next(s_words.Length)]));
        }
    }
}
