// Quickstart: EmbeddingGemma from .NET, the model card's example, through dependency injection.
// Usage: dotnet run --project samples/Quickstart -c Release                 (the model from the Hugging Face Hub, fetched once)
//    or: dotnet run --project samples/Quickstart -c Release -- --model DIR  (a local onnx-community export)
//    or: EMBEDDINGGEMMA_MODEL_PATH=DIR dotnet run --project samples/Quickstart -c Release
//    or: dotnet run --project samples/Quickstart -c Release -- --repo onnx-community/embeddinggemma-2-ONNX  (another Hub repository,
//        such as EmbeddingGemma 2; or EMBEDDINGGEMMA_HUB_REPOSITORY=...). A folder says which model it holds: an
//        EmbeddingGemma 2 folder works with --model DIR too.
// The Hub download honours HF_ENDPOINT, HF_HOME / HF_HUB_CACHE, HF_TOKEN and HF_HUB_OFFLINE, like huggingface_hub; once
// cached, later runs make no request at all.
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quickstart;
using SkEmbeddingGemma;
using SkEmbeddingGemma.Hub;

const string EnvironmentVariable = "EMBEDDINGGEMMA_MODEL_PATH";
const string RepositoryVariable = "EMBEDDINGGEMMA_HUB_REPOSITORY";
string? modelPath = args.Length >= 2 && args[0] == "--model" ? args[1] : Environment.GetEnvironmentVariable(EnvironmentVariable);
string? repository = args.Length >= 2 && args[0] == "--repo" ? args[1] : Environment.GetEnvironmentVariable(RepositoryVariable);

var services = new ServiceCollection();
services.AddEmbeddingGemma(options =>
{
    options.ModelPath = string.IsNullOrWhiteSpace(modelPath) ? null : modelPath; // null: from the Hub
    options.HubRepository = string.IsNullOrWhiteSpace(repository) ? null : repository; // null: onnx-community/embeddinggemma-300m-ONNX
    options.HubProgress = new StderrDownloadProgress();
});
await using ServiceProvider provider = services.BuildServiceProvider();

string query = "Which planet is known as the Red Planet?";
string[] documents =
[
    "Venus is often called Earth's twin because of its similar size and proximity.",
    "Mars, known for its reddish appearance, is often referred to as the Red Planet.",
    "Jupiter, the largest planet in our solar system, has a prominent red spot.",
    "Saturn, famous for its rings, is sometimes mistaken for the Red Planet.",
];

try
{
    var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

    // The full width, then a Matryoshka truncation when the model is wider than it.
    int width = await RankAsync(generator, dimensions: null);
    if (width > 256)
    {
        await RankAsync(generator, dimensions: 256);
    }

    return 0;
}
catch (HubDownloadException ex)
{
    Console.Error.WriteLine($"""
        Could not get the EmbeddingGemma model from the Hugging Face Hub: {ex.Message}
        To get the model:
          - where the Hub can be reached: `dotnet run --project src/Cli -c Release -- download` (or `embeddinggemma download`)
            fills the huggingface_hub cache ($HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub); copy that
            cache here, and it is used without network, even with HF_HUB_OFFLINE=1;
          - through a mirror: set HF_ENDPOINT=https://your-mirror (HF_TOKEN for gated or private repositories);
          - from a folder: run again with --model DIR (or {EnvironmentVariable}=DIR), DIR holding onnx/model.onnx,
            onnx/model.onnx_data, tokenizer.json and config.json from onnx-community/embeddinggemma-300m-ONNX.
        """);
    return 1;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine($"EmbeddingGemma is misconfigured: {string.Join(" ", ex.Failures)}");
    return 1;
}
catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or ArgumentException)
{
    Console.Error.WriteLine($"Could not run EmbeddingGemma from '{modelPath}': {ex.Message}");
    return 1;
}

// Ranks the documents for the query at one width (null: the model's) and returns the width used. The roles matter:
// the query gets EmbeddingGemma's query prompt, the documents its document prompt.
async Task<int> RankAsync(IEmbeddingGenerator<string, Embedding<float>> generator, int? dimensions)
{
    Embedding<float> queryEmbedding = await generator.GenerateQueryEmbeddingAsync(query, dimensions);
    GeneratedEmbeddings<Embedding<float>> documentEmbeddings = await generator.GenerateDocumentEmbeddingsAsync(documents, dimensions: dimensions);

    Console.WriteLine($"Query: {query}   ({queryEmbedding.Dimensions} dimensions, {queryEmbedding.ModelId})");
    var ranked = documents
        .Select((text, i) => (text, score: TensorPrimitives.CosineSimilarity(queryEmbedding.Vector.Span, documentEmbeddings[i].Vector.Span)))
        .OrderByDescending(r => r.score)
        .ToArray();
    for (int rank = 0; rank < ranked.Length; rank++)
    {
        Console.WriteLine($"  {rank + 1}. {ranked[rank].score:F4}  {ranked[rank].text}");
    }

    Console.WriteLine();
    return queryEmbedding.Dimensions;
}
