// Find my photos: index a folder of images with EmbeddingGemma 2 into a FAISS/SQLite vector store, then search them
// with text. The same generator embeds the images (IEmbeddingGenerator<DataContent, ...>) and the query
// (IEmbeddingGenerator<string, ...>), so both land in one space.
// Usage: dotnet run --project samples/FindMyPhotos -c Release -- --model DIR --photos DIR --query "a dog on a beach" [--db photos.db] [--top 3]
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using FindMyPhotos;
using SkEmbeddingGemma;
using SkEmbeddingGemma.VectorData.Faiss;

string? Arg(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
string? model = Arg("--model") ?? Environment.GetEnvironmentVariable("EMBEDDINGGEMMA_MODEL_PATH");
string? photos = Arg("--photos");
string? query = Arg("--query");
string database = Arg("--db") ?? "photos.db";
int top = int.TryParse(Arg("--top"), out int t) && t > 0 ? t : 3;
if (model is null || photos is null || query is null)
{
    Console.Error.WriteLine("usage: FindMyPhotos --model DIR --photos DIR --query TEXT [--db FILE] [--top N]");
    return 2;
}

string[] extensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"];
try
{
    using var generator = new EmbeddingGemmaGenerator(model);
    IEmbeddingGenerator<DataContent, Embedding<float>> images = generator;
    using var store = new FaissVectorStore(database);
    VectorStoreCollection<string, Photo> collection = store.GetCollection<string, Photo>(Photo.CollectionName, Photo.Definition(generator.EmbeddingDimensions));
    await collection.EnsureCollectionExistsAsync();

    // Index: one embedding per image; a photo that cannot be read is reported and skipped.
    string[] files = [.. Directory.EnumerateFiles(photos, "*", SearchOption.AllDirectories)
        .Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal)];
    int indexed = 0;
    foreach (string file in files)
    {
        string relative = Path.GetRelativePath(photos, file);
        try
        {
            DataContent image = new(await File.ReadAllBytesAsync(file), "image/*") { Name = relative };
            Embedding<float> embedding = (await images.GenerateAsync([image]))[0];
            await collection.UpsertAsync(new Photo { Path = relative, Embedding = embedding.Vector });
            indexed++;
        }
        catch (EmbeddingGemmaInputException ex)
        {
            Console.Error.WriteLine($"skipped {relative}: {ex.Reason}");
        }
    }

    Console.WriteLine($"Indexed {indexed} of {files.Length} photos from {photos}.");

    // Search: the query gets EmbeddingGemma's query prompt; the photos were embedded as images, without a prompt.
    Embedding<float> queryEmbedding = await generator.GenerateQueryEmbeddingAsync(query);
    Console.WriteLine($"Best matches for \"{query}\":");
    int rank = 0;
    await foreach (VectorSearchResult<Photo> hit in collection.SearchAsync(queryEmbedding.Vector, top))
    {
        Console.WriteLine($"  {++rank}. {hit.Score:F4}  {hit.Record.Path}");
    }

    return 0;
}
catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or ArgumentException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
