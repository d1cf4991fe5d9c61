using System.Buffers.Binary;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.Extensions.Tests.Support;
using SkEmbeddingGemma.TestSupport;
using SkEmbeddingGemma.VectorData.Faiss;

namespace SkEmbeddingGemma.Extensions.Tests;

/// <summary>
/// The FAISS connector with EmbeddingGemma 2 media: a record with an image vector (its input a <see cref="DataContent"/>,
/// embedded on upsert by the generator as <c>IEmbeddingGenerator&lt;DataContent, Embedding&lt;float&gt;&gt;</c>) and a caption
/// vector (a string), searched by text on the image vector (the same generator's string side) and by another image.
/// Real ONNX Runtime, real FAISS, real SQLite, the tiny random-weight EmbeddingGemma 2 folder.
/// </summary>
public sealed class FaissMultimodalTests
{
    private static readonly EmbeddingGenerationOptions s_query = new()
    {
        AdditionalProperties = new() { [EmbeddingGemmaPropertyNames.PromptName] = EmbeddingGemmaPromptNames.Query },
    };

    [Fact]
    public async Task Image_records_embedded_on_upsert_are_found_by_text_and_by_another_image_next_to_a_caption_vector()
    {
        using var temp = new TempFolder();
        using var generator = new EmbeddingGemmaGenerator(TinyModel.EmbeddingGemma2Directory);
        var photos = new[]
        {
            Photo("stripes", "red and white stripes", Bitmap(64, 48, (x, y) => ((x / 8) % 2 == 0 ? (byte)220 : (byte)30, (byte)40, (byte)40))),
            Photo("gradient", "a blue gradient", Bitmap(48, 64, (x, y) => ((byte)10, (byte)(y * 3), (byte)(x * 5)))),
            Photo("checks", "a green checkerboard", Bitmap(56, 56, (x, y) => ((byte)20, ((x / 7) + (y / 7)) % 2 == 0 ? (byte)250 : (byte)0, (byte)20))),
        };

        using var store = new FaissVectorStore(Path.Combine(temp.Path, "photos.db"), new() { EmbeddingGenerator = generator });
        var collection = store.GetCollection<string, PhotoRecord>("photos", Definition(generator.EmbeddingDimensions));
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(photos);

        // What the generator gives for the same inputs: images as they are, the text with the query prompt.
        IEmbeddingGenerator<DataContent, Embedding<float>> media = generator;
        GeneratedEmbeddings<Embedding<float>> imageVectors = await media.GenerateAsync(photos.Select(p => p.Image!));
        const string Text = "stripes in red";
        float[] query = (await generator.GenerateAsync([Text], s_query))[0].Vector.ToArray();
        var expected = photos.Select((p, i) => (p.Id, Score: Dot(query, imageVectors[i].Vector.ToArray()))).OrderByDescending(h => h.Score).ToList();
        Assert.True(expected.Zip(expected.Skip(1)).All(p => p.First.Score - p.Second.Score > 1e-5), "the images need distinct scores to check the order");

        // By text, on the image vector.
        var byText = await collection.SearchAsync(Text, 3, new() { VectorProperty = r => r.Image }).ToListAsync();
        Assert.Equal(expected.Select(h => h.Id), byText.Select(h => h.Record.Id));
        Assert.All(expected.Zip(byText), p => Assert.Equal(p.First.Score, p.Second.Score!.Value, 1e-4));
        Assert.Equal("red and white stripes", byText.Single(h => h.Record.Id == "stripes").Record.Caption);

        // By another image: a copy of one photo's bytes under another name finds that photo, with its own score.
        var copy = new DataContent(photos[1].Image!.Data, "image/bmp") { Name = "query.bmp" };
        var byImage = await collection.SearchAsync(copy, 3, new() { VectorProperty = r => r.Image }).ToListAsync();
        Assert.Equal("gradient", byImage[0].Record.Id);
        Assert.Equal(Dot(imageVectors[1].Vector.ToArray(), imageVectors[1].Vector.ToArray()), byImage[0].Score!.Value, 1e-4);
        Assert.Equal(3, byImage.Count);

        // By text on the caption vector: the document-prompted captions, ranked as the generator ranks them.
        var captions = await generator.GenerateAsync(
            photos.Select(p => p.Caption),
            new EmbeddingGenerationOptions
            {
                AdditionalProperties = new()
                {
                    [EmbeddingGemmaPropertyNames.PromptName] = EmbeddingGemmaPromptNames.Document,
                    [EmbeddingGemmaPropertyNames.Title] = new string?[] { null, null, null },
                },
            });
        var expectedCaptions = photos.Select((p, i) => (p.Id, Score: Dot(query, captions[i].Vector.ToArray()))).OrderByDescending(h => h.Score).ToList();
        var byCaption = await collection.SearchAsync(Text, 3, new() { VectorProperty = r => r.CaptionVector }).ToListAsync();
        Assert.Equal(expectedCaptions.Select(h => h.Id), byCaption.Select(h => h.Record.Id));
        Assert.All(expectedCaptions.Zip(byCaption), p => Assert.Equal(p.First.Score, p.Second.Score!.Value, 1e-4));
    }

    private static PhotoRecord Photo(string id, string caption, byte[] bmp) => new()
    {
        Id = id,
        Caption = caption,
        CaptionVector = caption,
        Image = new DataContent(bmp, "image/bmp") { Name = id + ".bmp" },
    };

    private static VectorStoreCollectionDefinition Definition(int dimensions) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty(nameof(PhotoRecord.Id), typeof(string)),
            new VectorStoreDataProperty(nameof(PhotoRecord.Caption), typeof(string)),
            // The generic property: the connector then embeds the image through the generator's DataContent side.
            new VectorStoreVectorProperty<DataContent>(nameof(PhotoRecord.Image), dimensions) { DistanceFunction = DistanceFunction.DotProductSimilarity },
            new VectorStoreVectorProperty(nameof(PhotoRecord.CaptionVector), typeof(string), dimensions) { DistanceFunction = DistanceFunction.DotProductSimilarity },
        ],
    };

    private static double Dot(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);

    // A 24-bit uncompressed BMP, bottom-up rows padded to 4 bytes: a real image file without an imaging library.
    private static byte[] Bitmap(int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel)
    {
        int stride = ((width * 3) + 3) & ~3;
        var file = new byte[54 + (stride * height)];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + ((height - 1 - y) * stride);
            for (int x = 0; x < width; x++)
            {
                (byte r, byte g, byte b) = pixel(x, y);
                file[row + (x * 3)] = b;
                file[row + (x * 3) + 1] = g;
                file[row + (x * 3) + 2] = r;
            }
        }

        return file;
    }

    /// <summary>A photo with its caption: the image and the caption each have a vector.</summary>
    public sealed class PhotoRecord
    {
        public string Id { get; set; } = "";

        public string Caption { get; set; } = "";

        public DataContent? Image { get; set; }

        public string? CaptionVector { get; set; }
    }
}
