// Quickstart: EmbeddingGemma from .NET, the model card's example.
// Usage: dotnet run --project samples/Quickstart -- --model /path/to/embeddinggemma-300m-ONNX
//    or: EMBEDDINGGEMMA_MODEL_PATH=/path/to/model dotnet run --project samples/Quickstart
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma;

const string EnvironmentVariable = "EMBEDDINGGEMMA_MODEL_PATH";
string? modelPath = args.Length >= 2 && args[0] == "--model" ? args[1] : Environment.GetEnvironmentVariable(EnvironmentVariable);
if (string.IsNullOrWhiteSpace(modelPath))
{
    Console.WriteLine($"""
        No EmbeddingGemma model is configured, so there is nothing to run yet. To get one:
          1. Download the ONNX export from https://huggingface.co/onnx-community/embeddinggemma-300m-ONNX
             (accept Google's Gemma licence on https://huggingface.co/google/embeddinggemma-300m first), e.g.
               git lfs install && git clone https://huggingface.co/onnx-community/embeddinggemma-300m-ONNX
             You need onnx/model.onnx, onnx/model.onnx_data, tokenizer.json, config.json and config_sentence_transformers.json.
          2. Run again with --model ./embeddinggemma-300m-ONNX, or set {EnvironmentVariable}=./embeddinggemma-300m-ONNX.
        """);
    return 0;
}

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
    using var generator = new EmbeddingGemmaGenerator(modelPath);
    foreach (int? dimensions in new int?[] { null, 256 })
    {
        Embedding<float> queryEmbedding = await generator.GenerateQueryEmbeddingAsync(query, dimensions);
        GeneratedEmbeddings<Embedding<float>> documentEmbeddings = await generator.GenerateDocumentEmbeddingsAsync(documents, dimensions: dimensions);

        Console.WriteLine($"Query: {query}   ({queryEmbedding.Dimensions} dimensions)");
        var ranked = documents
            .Select((text, i) => (text, score: TensorPrimitives.CosineSimilarity(queryEmbedding.Vector.Span, documentEmbeddings[i].Vector.Span)))
            .OrderByDescending(r => r.score)
            .ToArray();
        for (int rank = 0; rank < ranked.Length; rank++)
        {
            Console.WriteLine($"  {rank + 1}. {ranked[rank].score:F4}  {ranked[rank].text}");
        }

        Console.WriteLine();
    }

    return 0;
}
catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or ArgumentException)
{
    Console.Error.WriteLine($"Could not run EmbeddingGemma from '{modelPath}': {ex.Message}");
    return 1;
}
