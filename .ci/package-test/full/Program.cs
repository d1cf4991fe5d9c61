// README "FAISS in dependency injection" with EmbeddingGemma and Semantic Kernel: SkEmbeddingGemma.SemanticKernel brings
// SkEmbeddingGemma.Extensions, SkEmbeddingGemma and SkEmbeddingGemma.VectorData.Faiss.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel;
using SkEmbeddingGemma.VectorData.Faiss;

string model = args[0];
string database = Path.Combine(args[1], "docs.db");
Note[] notes =
[
    new() { Id = "mars", Title = "Mars", Text = "Mars, known for its reddish appearance, is often referred to as the Red Planet." },
    new() { Id = "venus", Title = "Venus", Text = "Venus is often called Earth's twin because of its similar size." },
];

var services = new ServiceCollection();
services.AddEmbeddingGemma(o => o.ModelPath = model);
services.AddFaissVectorStore(database);
services.AddFaissCollection<string, Note>("notes", database, _ => new FaissCollectionOptions { TitleProperty = "Title" });
await using (ServiceProvider provider = services.BuildServiceProvider())
{
    var collection = provider.GetRequiredService<VectorStoreCollection<string, Note>>();
    await collection.EnsureCollectionExistsAsync();
    await collection.UpsertAsync(notes);
    var results = await collection.SearchAsync("Which planet is known as the Red Planet?", 2).ToListAsync();
    Check(results.Count == 2 && results.All(r => double.IsFinite(r.Score ?? double.NaN)), $"{results.Count} results");
    Console.WriteLine($"di: {string.Join(", ", results.Select(r => $"{r.Record.Id} {r.Score:F3}"))}");
}

IKernelBuilder kernelBuilder = Kernel.CreateBuilder();
kernelBuilder.AddEmbeddingGemma(o => o.ModelPath = model).AddFaissVectorStore(database);
Kernel kernel = kernelBuilder.Build();
var kernelCollection = kernel.GetRequiredService<VectorStore>().GetCollection<string, Note>("notes");
var best = await kernelCollection.SearchAsync("Which planet is known as the Red Planet?", 1).SingleAsync();
Check(best.Record.Id is "mars" or "venus", $"kernel best {best.Record.Id}");
Console.WriteLine($"kernel: best {best.Record.Id} ({best.Score:F3})");
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
    public required string Title { get; init; }

    [VectorStoreData]
    public required string Text { get; init; }

    [VectorStoreVector(64)]
    public string Embedding => Text;
}
