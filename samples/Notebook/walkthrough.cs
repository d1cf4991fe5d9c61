#:project ../../src/Extensions/Extensions.csproj
#:project ../../src/VectorStore/VectorStore.csproj

// EmbeddingGemma from .NET, one cell at a time. Run it with a model folder:
//   dotnet run samples/Notebook/walkthrough.cs -- /path/to/embeddinggemma-300m-ONNX   (or an embeddinggemma-2-ONNX folder)
// (or set EMBEDDINGGEMMA_MODEL_PATH). Each "## n." block is a notebook cell; they share the variables above them.

using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma;
using SkEmbeddingGemma.VectorData.Faiss;

string? modelPath = args.FirstOrDefault() ?? Environment.GetEnvironmentVariable("EMBEDDINGGEMMA_MODEL_PATH");
if (modelPath is null)
{
    Console.Error.WriteLine("Pass the model folder (or set EMBEDDINGGEMMA_MODEL_PATH); `embeddinggemma download` fetches one.");
    return 2;
}

// ## 1. Load the model
// One generator per process: it is thread-safe and holds the ONNX Runtime session.
using var generator = new EmbeddingGemmaGenerator(modelPath);
Console.WriteLine("## 1. Load the model");
Console.WriteLine($"model: {generator.ModelId}, dimensions: {generator.EmbeddingDimensions}, max tokens: {generator.MaxTokens}");

// ## 2. Query vs document embeddings
// Queries and documents get different prompts; compare a query with documents, not with other queries.
string query = "Which planet is known as the Red Planet?";
string[] documents =
[
    "Venus is often called Earth's twin because of its similar size and proximity.",
    "Mars, known for its reddish appearance, is often referred to as the Red Planet.",
    "Jupiter, the largest planet in our solar system, has a prominent red spot.",
];
Embedding<float> queryVector = await generator.GenerateQueryEmbeddingAsync(query);
GeneratedEmbeddings<Embedding<float>> documentVectors = await generator.GenerateDocumentEmbeddingsAsync(documents);
Console.WriteLine("## 2. Query vs document embeddings");
Console.WriteLine($"query prompt: \"{generator.GetPrompt(EmbeddingGemmaPromptNames.Query)}\", document prompt: \"{generator.GetPrompt(EmbeddingGemmaPromptNames.Document)}\"");
for (int i = 0; i < documents.Length; i++)
{
    Console.WriteLine($"score {i}: {TensorPrimitives.Dot(queryVector.Vector.Span, documentVectors[i].Vector.Span):F6}");
}

Embedding<float> sameTextAsDocument = await generator.GenerateDocumentEmbeddingAsync(query);
Console.WriteLine($"the query text embedded as a document: cosine {TensorPrimitives.CosineSimilarity(queryVector.Vector.Span, sameTextAsDocument.Vector.Span):F6} to the query embedding");

// ## 3. Matryoshka dimensions
// A smaller width is the full vector's prefix, re-normalized: cheaper storage with most of the quality.
Console.WriteLine("## 3. Matryoshka dimensions");
int full = generator.EmbeddingDimensions;
int[] widths = [.. new[] { 512, 256, 128 }.Where(w => w < full).DefaultIfEmpty(full / 2)];
foreach (int width in widths)
{
    Embedding<float> small = await generator.GenerateQueryEmbeddingAsync(query, dimensions: width);
    float[] prefix = queryVector.Vector.Span[..width].ToArray();
    TensorPrimitives.Divide(prefix, TensorPrimitives.Norm(prefix), prefix);
    float[] difference = new float[width];
    TensorPrimitives.Subtract(small.Vector.Span, prefix, difference);
    Console.WriteLine($"dimensions {small.Vector.Length}: norm {TensorPrimitives.Norm(small.Vector.Span):F4}, max difference from the re-normalized prefix {Math.Abs(TensorPrimitives.MaxMagnitude(difference)):E1}");
}

// ## 4. The tokenizer
// The folder's own tokenizer (Gemma 3 for EmbeddingGemma, Gemma 4 for EmbeddingGemma 2), as the model sees it: prompt + text, framed by <bos> ... <eos>.
Console.WriteLine("## 4. The tokenizer");
string sentence = "EmbeddingGemma runs locally.";
IReadOnlyList<int> textIds = generator.Tokenizer.EncodeToIds(sentence);
Console.WriteLine($"ids of \"{sentence}\" (with <bos>/<eos>): [{string.Join(", ", textIds)}]");
Console.WriteLine($"tokens: [{string.Join(", ", generator.Tokenizer.EncodeToTokens(sentence, out _).Select(t => $"\"{t.Value}\""))}]");
int[] modelInput = generator.Tokenize([sentence], EmbeddingGemmaGenerationOptions.ForQuery())[0];
Console.WriteLine($"with the query prompt the model sees {modelInput.Length} tokens: \"{generator.Tokenizer.Decode(modelInput)}\"");

// ## 5. A FAISS vector store
// Records live in SQLite, the FAISS index beside it; the store embeds stored text as documents and searches as queries.
Console.WriteLine("## 5. FAISS store search");
string folder = Directory.CreateTempSubdirectory("walkthrough-").FullName;
using (var store = new FaissVectorStore(Path.Combine(folder, "planets.db"), new() { EmbeddingGenerator = generator }))
{
    var definition = new VectorStoreCollectionDefinition
    {
        Properties =
        [
            new VectorStoreKeyProperty(nameof(Note.Id), typeof(int)),
            new VectorStoreDataProperty(nameof(Note.Text), typeof(string)),
            new VectorStoreVectorProperty(nameof(Note.Embedding), typeof(string), generator.EmbeddingDimensions),
        ],
    };
    var notes = store.GetCollection<int, Note>("notes", definition);
    await notes.EnsureCollectionExistsAsync();
    await notes.UpsertAsync(documents.Select((text, i) => new Note { Id = i, Text = text }));
    await foreach (VectorSearchResult<Note> hit in notes.SearchAsync(query, top: 3))
    {
        Console.WriteLine($"hit {hit.Record.Id}: {hit.Score:F6} {hit.Record.Text}");
    }
}

Directory.Delete(folder, recursive: true);
return 0;

/// <summary>A note whose vector the store generates from its text.</summary>
sealed class Note
{
    public int Id { get; set; }

    public string Text { get; set; } = "";

    public string Embedding => Text;
}
