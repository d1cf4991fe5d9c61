using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.ModelFactory;

public sealed class TestModelsTests
{
    [Fact]
    public async Task EnsureTinyModel_builds_once_into_a_complete_folder()
    {
        string cache = ModelWriterTests.TempDirectory(), tokenizer = ModelWriterTests.TempDirectory();
        try
        {
            Directory.CreateDirectory(tokenizer);
            File.WriteAllText(Path.Combine(tokenizer, "tokenizer.json"), "{\"model\":{}}");

            string[] folders = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => TestModels.EnsureTinyModel(tokenizer, cache))));

            Assert.Single(folders.Distinct());
            Assert.Equal(cache, Path.GetDirectoryName(folders[0]));
            Assert.Contains($"-g{EmbeddingGemmaModelWriter.GeneratorVersion}-", Path.GetFileName(folders[0]), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folders[0], "onnx", "model.onnx_data")));
            Assert.True(File.Exists(Path.Combine(folders[0], "tokenizer.json")));
            Assert.Single(Directory.GetDirectories(cache)); // no temporary folders left behind

            // Another tokenizer is another folder.
            File.WriteAllText(Path.Combine(tokenizer, "tokenizer.json"), "{\"model\":{\"x\":1}}");
            Assert.NotEqual(folders[0], TestModels.EnsureTinyModel(tokenizer, cache));
        }
        finally
        {
            Directory.Delete(cache, true);
            Directory.Delete(tokenizer, true);
        }
    }
}
