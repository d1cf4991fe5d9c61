using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.Extensions.Tests.Support;
using SkEmbeddingGemma.TestSupport;
using SkEmbeddingGemma.VectorData.Faiss;

namespace SkEmbeddingGemma.Extensions.Tests;

/// <summary>
/// A FAISS collection built with EmbeddingGemma refuses EmbeddingGemma 2 (and the other way round): the collection records
/// the generator's content identity (<c>{model_type}@sha256:...</c>), and the two families never share a vector space.
/// </summary>
public sealed class FaissModelFamilyTests
{
    [Theory]
    [InlineData("v1", "v2")]
    [InlineData("v2", "v1")]
    public async Task A_collection_of_one_model_family_refuses_queries_and_upserts_of_the_other_naming_both_models(string builtWith, string queriedWith)
    {
        using var temp = new TempFolder();
        string database = Path.Combine(temp.Path, "notes.db");
        using var builder = new EmbeddingGemmaGenerator(Folder(builtWith));
        using var other = new EmbeddingGemmaGenerator(Folder(queriedWith));
        string builderId = builder.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId!;
        string otherId = other.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId!;
        Assert.StartsWith(builtWith == "v1" ? "gemma3_text@sha256:" : "embedding_gemma2@sha256:", builderId, StringComparison.Ordinal);
        Assert.StartsWith(queriedWith == "v1" ? "gemma3_text@sha256:" : "embedding_gemma2@sha256:", otherId, StringComparison.Ordinal);

        using (FaissVectorStore store = new(database, new() { EmbeddingGenerator = builder }))
        {
            var notes = store.GetDynamicCollection("notes", Definition(builder.EmbeddingDimensions));
            await notes.EnsureCollectionExistsAsync();
            await notes.UpsertAsync([Note(1, "Mars is the red planet."), Note(2, "Paris is the capital of France.")]);
        }

        using (FaissVectorStore store = new(database, new() { EmbeddingGenerator = other }))
        {
            var notes = store.GetDynamicCollection("notes", Definition(builder.EmbeddingDimensions));
            var search = await Assert.ThrowsAsync<FaissCollectionMismatchException>(async () => await notes.SearchAsync("Which planet is red?", 1).ToListAsync());
            var upsert = await Assert.ThrowsAsync<FaissCollectionMismatchException>(() => notes.UpsertAsync(Note(3, "Jupiter has a red spot.")));
            foreach (FaissCollectionMismatchException error in new[] { search, upsert })
            {
                Assert.Equal("notes", error.CollectionName);
                Assert.Contains($"was embedded by a generator with provider 'embeddinggemma', model '{builderId}', {builder.EmbeddingDimensions} dimensions", error.Message, StringComparison.Ordinal);
                Assert.Contains($"model '{otherId}', {other.EmbeddingDimensions} dimensions", error.Message, StringComparison.Ordinal);
            }

            // Nothing stored was lost or added.
            Assert.Equal("Mars is the red planet.", (await notes.GetAsync(1))!["Text"]);
            Assert.Null(await notes.GetAsync(3));
        }

        // The model that built it still searches it.
        using (FaissVectorStore store = new(database, new() { EmbeddingGenerator = builder }))
        {
            var notes = store.GetDynamicCollection("notes", Definition(builder.EmbeddingDimensions));
            Assert.Single(await notes.SearchAsync("Which planet is red?", 1).ToListAsync());
        }
    }

    private static string Folder(string family) => family == "v1" ? TinyModel.Directory : TinyModel.EmbeddingGemma2Directory;

    private static VectorStoreCollectionDefinition Definition(int dimensions) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(int)),
            new VectorStoreDataProperty("Text", typeof(string)),
            new VectorStoreVectorProperty("Embedding", typeof(string), dimensions),
        ],
    };

    private static Dictionary<string, object?> Note(int id, string text) => new() { ["Id"] = id, ["Text"] = text, ["Embedding"] = text };
}
