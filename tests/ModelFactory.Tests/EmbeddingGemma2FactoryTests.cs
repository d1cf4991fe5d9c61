using System.Text.Json;
using SkEmbeddingGemma.TestSupport;
using SkEmbeddingGemma.Tokenization;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>The Gemma-4-style test tokenizer stand-in and the ModelFactory command line for EmbeddingGemma 2.</summary>
public sealed class EmbeddingGemma2FactoryTests
{
    [Fact]
    public void Test_tokenizer_has_gemma4_media_tokens_at_their_ids_in_a_262144_entry_vocabulary()
    {
        string directory = EmbeddingGemma2TestTokenizer.Directory;
        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "tokenizer.json")));
        JsonElement vocab = json.RootElement.GetProperty("model").GetProperty("vocab");
        Assert.Equal(EmbeddingGemma2TestTokenizer.VocabularySize, vocab.EnumerateObject().Count());
        Assert.Equal(Enumerable.Range(0, EmbeddingGemma2TestTokenizer.VocabularySize), vocab.EnumerateObject().Select(p => p.Value.GetInt32()).Order());
        JsonElement[] added = [.. json.RootElement.GetProperty("added_tokens").EnumerateArray()];
        Assert.All(added, t => Assert.True(t.GetProperty("id").GetInt32() < EmbeddingGemma2TestTokenizer.VocabularySize));
        foreach ((_, string token, int id) in EmbeddingGemma2TestTokenizer.MediaTokens)
        {
            Assert.Equal(id, vocab.GetProperty(token).GetInt32());
            JsonElement entry = Assert.Single(added, t => t.GetProperty("id").GetInt32() == id);
            Assert.Equal(token, entry.GetProperty("content").GetString());
            Assert.True(entry.GetProperty("special").GetBoolean());
        }

        GemmaTokenizer tokenizer = GemmaTokenizer.FromDirectory(directory);
        int[] ids = tokenizer.EncodeFramed("hello world", 16, out _);
        Assert.Equal((2, 1), (ids[0], ids[^1]));
    }

    [Fact]
    public async Task Command_line_writes_a_tiny_embeddinggemma2_folder_and_refuses_unknown_families()
    {
        string output = ModelWriterTests.TempDirectory();
        string factory = Path.Combine(AppContext.BaseDirectory, "SkEmbeddingGemma.ModelFactory.dll");
        try
        {
            await TestAssets.RunProcessAsync(
                "dotnet",
                [factory, "--family", "embeddinggemma2", "--size", "tiny", "--out", output, "--tokenizer", EmbeddingGemma2TestTokenizer.Directory],
                AppContext.BaseDirectory);
            foreach (string file in new[] { "onnx/model.onnx", "onnx/model.onnx_data", "config.json", "config_sentence_transformers.json",
                "sentence_bert_config.json", "modules.json", "1_Pooling/config.json", "tokenizer.json", "tokenizer_config.json" })
            {
                Assert.True(File.Exists(Path.Combine(output, file)), file);
            }

            // The command line and the cached test folder are the same bytes for the same seed.
            string cached = TestModels.EnsureTinyEmbeddingGemma2Model();
            Assert.Equal(File.ReadAllBytes(Path.Combine(cached, "onnx", "model.onnx_data")), File.ReadAllBytes(Path.Combine(output, "onnx", "model.onnx_data")));

            InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestAssets.RunProcessAsync(
                "dotnet", [factory, "--family", "embeddinggemma3", "--size", "tiny", "--out", output], AppContext.BaseDirectory));
            Assert.Contains("exited with code 2", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, true);
            }
        }
    }
}
