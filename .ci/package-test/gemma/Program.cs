// README "Usage" and "Dependency injection" snippets, on the packages alone (SkEmbeddingGemma.Extensions, which brings SkEmbeddingGemma).
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SkEmbeddingGemma;

string model = args[0];
int width;

// ## Usage
using (var generator = new EmbeddingGemmaGenerator(model))
{
    Embedding<float> query = await generator.GenerateQueryEmbeddingAsync("Which planet is known as the Red Planet?");
    GeneratedEmbeddings<Embedding<float>> docs = await generator.GenerateDocumentEmbeddingsAsync(
        ["Mars, known for its reddish appearance, is often referred to as the Red Planet."], titles: ["Mars"]);
    float score = TensorPrimitives.CosineSimilarity(query.Vector.Span, docs[0].Vector.Span);
    width = query.Vector.Length;
    var small = await generator.GenerateAsync(["a clustering input"], EmbeddingGemmaGenerationOptions.ForPrompt("Clustering", dimensions: width / 2));
    Check(float.IsFinite(score) && score is >= -1.001f and <= 1.001f, $"cosine {score}");
    Check(small[0].Vector.Length == width / 2, $"Matryoshka width {small[0].Vector.Length}");
    Console.WriteLine($"usage: {width}-d, cosine {score:F4}, clustering at {small[0].Vector.Length}-d");
}

// ## Dependency injection
var services = new ServiceCollection();
services.AddLogging();             // what a host registers; UseLogging logs through it
services.AddDistributedMemoryCache();
services.AddEmbeddingGemma(o => o.ModelPath = model)
    .UseDistributedCache().UseLogging();
services.AddHealthChecks().AddEmbeddingGemma();
await using (ServiceProvider provider = services.BuildServiceProvider())
{
    var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
    var embeddings = await generator.GenerateAsync(["Which planet is known as the Red Planet?"], EmbeddingGemmaGenerationOptions.ForQuery());
    Check(embeddings[0].Vector.Length == width, $"DI width {embeddings[0].Vector.Length}");
    HealthReport health = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
    Check(health.Status == HealthStatus.Healthy, $"health {health.Status}");
    Console.WriteLine($"di: {embeddings[0].Vector.Length}-d, health {health.Status}");
}

return 0;

static void Check(bool condition, string what)
{
    if (!condition)
    {
        throw new InvalidOperationException("package test failed: " + what);
    }
}
