using Microsoft.Extensions.AI;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Hub.Tests;

public sealed class EndToEndTests
{
    [Fact]
    public async Task A_model_served_like_the_hub_downloads_and_embeds()
    {
        string model = HubFixture.TinyModelFolder;
        IReadOnlyDictionary<string, byte[]> files = HubFixture.TinyModelFiles;
        using var cache = new TempFolder();
        await using FakeHub hub = await FakeHub.StartAsync(files);

        string folder = await HubFixture.DownloadAsync(HubFixture.Options(hub, cache.Path));

        foreach (string file in new[] { "onnx/model.onnx", "onnx/model.onnx_data", "tokenizer.json", "tokenizer.model", "config.json", "config_sentence_transformers.json", "modules.json" })
        {
            using FileStream stream = File.OpenRead(Path.Combine(folder, file));
            Assert.Equal(files[file].Length, stream.Length);
        }

        using var generator = new EmbeddingGemmaGenerator(folder);
        using var reference = new EmbeddingGemmaGenerator(model);
        GeneratedEmbeddings<Embedding<float>> downloaded = await generator.GenerateAsync(["hello from the hub"]);
        GeneratedEmbeddings<Embedding<float>> local = await reference.GenerateAsync(["hello from the hub"]);

        Assert.Equal(reference.EmbeddingDimensions, downloaded[0].Vector.Length);
        Assert.All(downloaded[0].Vector.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(local[0].Vector.ToArray(), downloaded[0].Vector.ToArray());
    }
}
