using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.VectorData.Faiss.Bench;

/// <summary>
/// Issue 15's "real model outputs" subset: deterministic, varied short texts (sentences from a seeded vocabulary and
/// templates) embedded by the full-size random-weight EmbeddingGemma 300m with the document prompt, and queries with the
/// query prompt, cached as float32 files under the test-asset cache (never committed). Embedding is resumable: the
/// document file grows batch by batch, so a run stopped (or limited by seconds) continues where it ended, and the
/// quantized benchmark uses the first n vectors present. The weights are random, not trained: these vectors have the
/// model's real geometry (norms, anisotropy, token statistics), not its retrieval quality.
/// Usage: FaissBench embed [target n=100000] [max seconds=0 (no limit)] [batch=64]
/// </summary>
internal static class RealModelVectors
{
    public const int Dimensions = 768;
    public const int QueryCount = 200;
    private const string CacheName = "faissbench-real-300m-s42-v1";

    public static string Directory => Path.Combine(TestAssets.CacheDirectory, CacheName);

    public static string DocumentFile => Path.Combine(Directory, "docs.f32");

    public static string QueryFile => Path.Combine(Directory, "queries.f32");

    public static int DocumentsPresent => File.Exists(DocumentFile) ? (int)(new FileInfo(DocumentFile).Length / (Dimensions * sizeof(float))) : 0;

    public static async Task RunAsync(string[] args)
    {
        int target = args.Length > 0 ? int.Parse(args[0]) : 100_000;
        double maxSeconds = args.Length > 1 ? double.Parse(args[1]) : 0;
        int batch = args.Length > 2 ? int.Parse(args[2]) : 64;
        System.IO.Directory.CreateDirectory(Directory);
        string model = TestModels.EnsureFullModel(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory);
        using var generator = new EmbeddingGemmaGenerator(model);
        var clock = Stopwatch.StartNew();
        if (!File.Exists(QueryFile))
        {
            string[] queries = [.. Enumerable.Range(0, QueryCount).Select(Query)];
            var embeddings = await generator.GenerateAsync(queries, EmbeddingGemmaGenerationOptions.ForQuery()).ConfigureAwait(false);
            TestAssets.WriteFileAtomically(QueryFile, stream =>
            {
                foreach (var embedding in embeddings)
                {
                    stream.Write(MemoryMarshal.AsBytes(embedding.Vector.Span));
                }
            });
            Console.Error.WriteLine($"embed: {QueryCount} queries in {clock.Elapsed.TotalSeconds:F0} s");
        }

        // A torn last row (a run killed mid-write) is cut off, so the file always holds whole vectors.
        int start = DocumentsPresent;
        using (var trim = new FileStream(DocumentFile, FileMode.OpenOrCreate, FileAccess.Write))
        {
            trim.SetLength((long)start * Dimensions * sizeof(float));
        }

        Console.Error.WriteLine($"embed: model {model}; {start} documents present, target {target}, batch {batch}, load {Load()}");
        var timer = Stopwatch.StartNew();
        int done = start;
        var options = EmbeddingGemmaGenerationOptions.ForDocuments();
        using var output = new FileStream(DocumentFile, FileMode.Append, FileAccess.Write);
        while (done < target && (maxSeconds <= 0 || timer.Elapsed.TotalSeconds < maxSeconds))
        {
            int count = Math.Min(batch, target - done);
            string[] texts = [.. Enumerable.Range(done, count).Select(Document)];
            var embeddings = await generator.GenerateAsync(texts, options).ConfigureAwait(false);
            foreach (var embedding in embeddings)
            {
                output.Write(MemoryMarshal.AsBytes(embedding.Vector.Span));
            }

            output.Flush();
            done += count;
            if ((done - start) % (batch * 16) == 0 || done == target)
            {
                double rate = (done - start) / timer.Elapsed.TotalSeconds;
                Console.Error.WriteLine($"embed: {done}/{target} ({rate:F1} texts/s, ETA {(target - done) / rate / 60:F0} min, load {Load()})");
            }
        }

        Console.Error.WriteLine($"embed: {done - start} documents in {timer.Elapsed.TotalSeconds:F0} s "
            + $"({(done - start) / timer.Elapsed.TotalSeconds:F1} texts/s); {done} present");
    }

    /// <summary>Reads the first <paramref name="n"/> document vectors and the query vectors.</summary>
    /// <exception cref="InvalidOperationException">Fewer than n documents are cached.</exception>
    public static (float[] Documents, float[] Queries) Load(int n)
    {
        if (DocumentsPresent < n || !File.Exists(QueryFile))
        {
            throw new InvalidOperationException($"{DocumentFile} holds {DocumentsPresent} vectors, fewer than {n}: run `FaissBench embed {n}` first.");
        }

        var documents = new float[(long)n * Dimensions];
        using (var input = File.OpenRead(DocumentFile))
        {
            for (long offset = 0; offset < documents.LongLength; offset += 1 << 24)
            {
                int floats = (int)Math.Min(1 << 24, documents.LongLength - offset);
                input.ReadExactly(MemoryMarshal.AsBytes(documents.AsSpan((int)offset, floats)));
            }
        }

        float[] queries = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(QueryFile)).ToArray();
        return (documents, queries);
    }

    // Short sentences (about 10-16 words) from templates over a seeded vocabulary: many topics, so the vectors spread,
    // and shared words, so neighbours exist. Text i depends only on i, which makes the file resumable.
    private static readonly string[] s_subjects = ["the council", "a small bakery", "our team", "the museum", "a local farmer", "the new library", "my neighbour", "the hospital", "a startup", "the orchestra", "the school board", "a young engineer", "the river authority", "the city zoo", "an old sailor", "the football club", "a research lab", "the train company", "the village choir", "a retired teacher"];
    private static readonly string[] s_verbs = ["announced", "postponed", "celebrated", "questioned", "repaired", "designed", "funded", "cancelled", "tested", "photographed", "painted", "measured", "rebuilt", "described", "welcomed", "reviewed", "explored", "recorded", "planted", "sold"];
    private static readonly string[] s_adjectives = ["quiet", "expensive", "historic", "modern", "crowded", "broken", "colourful", "hidden", "seasonal", "ancient", "electric", "frozen", "wooden", "public", "private", "narrow", "famous", "forgotten", "solar", "floating"];
    private static readonly string[] s_objects = ["bridge", "garden", "festival", "concert", "harbour", "recipe", "telescope", "market", "bicycle lane", "vaccine trial", "mural", "greenhouse", "railway station", "poetry contest", "wind farm", "chess tournament", "bakery oven", "lighthouse", "water pump", "football pitch", "software update", "wedding", "exhibition", "tunnel", "ferry"];
    private static readonly string[] s_places = ["near the old port", "in the northern valley", "after the winter storms", "downtown", "on the island", "beside the cathedral", "in the suburbs", "at the university", "along the coast", "in the mountains", "across the border", "last spring", "during the heatwave", "in a tiny village", "next to the airport"];
    private static readonly string[] s_reasons = ["to attract more visitors", "because of rising costs", "after many complaints", "with help from volunteers", "despite heavy rain", "for the first time in decades", "to save energy", "ahead of the elections", "as part of a school project", "after a long debate"];
    private static readonly string[] s_templates =
    [
        "{S} {V} the {A} {O} {P} {R}.",
        "In a short statement, {S} {V} a {A} {O} {P}.",
        "Why {S} {V} the {A} {O} {R}, {P}.",
        "{P}, {S} {V} a {A} {O} and a {A2} {O2}.",
        "Residents say {S} {V} the {O} {R}.",
        "Report: the {A} {O} that {S} {V} {P}.",
        "{S} {V} the {O} {P}; the {A2} {O2} follows {R}.",
    ];

    public static string Document(int i) => Fill(s_templates[Pick(i, 0, s_templates.Length)], i);

    // Queries read like searches about the same vocabulary (a subject, an adjective-object pair and a place).
    public static string Query(int i)
    {
        int seed = 1_000_000_007 + i;
        string[] forms = ["what did {S} do with the {A} {O}?", "{A} {O} {P}", "news about {S} and the {O} {R}", "who {V} the {A} {O}?", "{O} {P} {R}"];
        return Fill(forms[Pick(seed, 0, forms.Length)], seed);
    }

    private static string Fill(string template, int seed)
    {
        var text = new StringBuilder(template)
            .Replace("{S}", s_subjects[Pick(seed, 1, s_subjects.Length)])
            .Replace("{V}", s_verbs[Pick(seed, 2, s_verbs.Length)])
            .Replace("{A2}", s_adjectives[Pick(seed, 3, s_adjectives.Length)])
            .Replace("{O2}", s_objects[Pick(seed, 4, s_objects.Length)])
            .Replace("{A}", s_adjectives[Pick(seed, 5, s_adjectives.Length)])
            .Replace("{O}", s_objects[Pick(seed, 6, s_objects.Length)])
            .Replace("{P}", s_places[Pick(seed, 7, s_places.Length)])
            .Replace("{R}", s_reasons[Pick(seed, 8, s_reasons.Length)])
            .ToString();
        return char.ToUpperInvariant(text[0]) + text[1..];
    }

    // A stateless hash (splitmix64) of (seed, slot): text i is the same whatever ran before it.
    private static int Pick(int seed, int slot, int count)
    {
        ulong z = ((ulong)(uint)seed << 8 | (uint)slot) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z % (ulong)count);
    }

    private static string Load() => QuantizedSearch.Load();
}
