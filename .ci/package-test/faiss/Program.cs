// README "FAISS vector store" and "FAISS in dependency injection", with another embedding generator: only
// SkEmbeddingGemma.VectorData.Faiss is installed, so no ONNX Runtime or tokenizer comes along.
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.VectorData.Faiss;

string database = Path.Combine(args[0], "docs.db");
var generator = new WordHashEmbeddingGenerator();
Note[] notes =
[
    new() { Id = "mars", Text = "mars is the red planet" },
    new() { Id = "venus", Text = "venus is hot and bright" },
];

using (var store = new FaissVectorStore(database, new() { EmbeddingGenerator = generator }))
{
    var collection = store.GetCollection<string, Note>("notes");
    await collection.EnsureCollectionExistsAsync();
    await collection.UpsertAsync(notes);
    var best = await collection.SearchAsync("red planet", 1).SingleAsync();
    Check(best.Record.Id == "mars", $"best match {best.Record.Id}");
    Console.WriteLine($"store: best {best.Record.Id} ({best.Score:F3})");
}

var services = new ServiceCollection();
services.AddSingleton<IEmbeddingGenerator>(generator);
services.AddFaissVectorStore(database);
services.AddFaissCollection<string, Note>("notes", database);
await using (ServiceProvider provider = services.BuildServiceProvider())
{
    var collection = provider.GetRequiredService<VectorStoreCollection<string, Note>>();
    var best = await collection.SearchAsync("hot and bright", 1).SingleAsync();
    Check(best.Record.Id == "venus", $"DI best match {best.Record.Id}");
    Check(provider.GetRequiredService<VectorStore>() is FaissVectorStore, "VectorStore is the FAISS store");
    Console.WriteLine($"di: best {best.Record.Id} ({best.Score:F3})");
}

return 0;

static void Check(bool condition, string what)
{
    if (!condition)
    {
        throw new InvalidOperationException("package test failed: " + what);
    }
}

public sealed class Note
{
    [VectorStoreKey]
    public required string Id { get; init; }

    [VectorStoreData]
    public required string Text { get; init; }

    [VectorStoreVector(WordHashEmbeddingGenerator.Dimensions)]
    public string Embedding => Text;
}

/// <summary>A bag of hashed words, normalized: a stand-in for any other embedding service.</summary>
public sealed class WordHashEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 64;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (string value in values)
        {
            var vector = new float[Dimensions];
            foreach (string word in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                int hash = 17;
                foreach (char c in word)
                {
                    hash = unchecked(hash * 31 + c);
                }

                vector[(hash & int.MaxValue) % Dimensions] += 1;
            }

            float norm = MathF.Sqrt(vector.Sum(x => x * x));
            result.Add(new Embedding<float>(vector.Select(x => x / norm).ToArray()));
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
