using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.EmbeddingGemma2;

/// <summary>
/// The <c>embeddinggemma</c> command over an EmbeddingGemma 2 folder, as a real process, and the folder's tokenizer
/// against transformers.js's <c>AutoTokenizer</c>.
/// </summary>
public sealed class EmbeddingGemma2CliTests(TinyEmbeddingGemma2Fixture fixture) : IClassFixture<TinyEmbeddingGemma2Fixture>
{
    [Fact]
    public async Task Embed_and_tokenize_take_a_v2_folder_and_refuse_media_tokens()
    {
        using var folder = new TempFolder();
        string input = Path.Combine(folder.Path, "in.jsonl"), output = Path.Combine(folder.Path, "out.jsonl");
        string[] texts = ["Which planet is red?", "fn main() {}"];
        await File.WriteAllLinesAsync(input, texts.Select(t => JsonSerializer.Serialize(new { text = t })));

        (int code, _, string stderr) = await CliProcess.RunAsync(
            "embed", "--model", fixture.ModelDirectory, "--prompt-name", "CodeRetrieval", "--dimensions", "256", "--input", input, "--output", output);

        Assert.True(code == 0, stderr);
        string[] lines = await File.ReadAllLinesAsync(output);
        GeneratedEmbeddings<Embedding<float>> expected = await fixture.Generator.GenerateWithPromptAsync(texts, "CodeRetrieval", 256);
        for (int i = 0; i < texts.Length; i++)
        {
            using JsonDocument line = JsonDocument.Parse(lines[i]);
            float[] vector = [.. line.RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())];
            Assert.Equal(256, vector.Length);
            Assert.True(vector.Zip(expected[i].Vector.ToArray()).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5f, $"line {i}");
        }

        await File.WriteAllLinesAsync(input, [JsonSerializer.Serialize(new { text = "fine" }), JsonSerializer.Serialize(new { text = "an <|audio|> clip" })]);
        File.Delete(output);
        foreach (string command in new[] { "tokenize", "embed" })
        {
            (int refused, _, string error) = await CliProcess.RunAsync(command, "--model", fixture.ModelDirectory, "--input", input, "--output", output);

            Assert.NotEqual(0, refused);
            Assert.Contains("<|audio|>", error);
            Assert.Contains("audio_token", error);
            Assert.False(File.Exists(output), $"{command} wrote an output despite the refusal");
        }
    }

    [Fact]
    public async Task Ids_equal_transformers_js_auto_tokenizer_on_the_v2_folder()
    {
        string[] texts =
        [
            .. Corpus.Texts,
            "task: code retrieval | query: SELECT * FROM t WHERE x = 1;",
            "title: none | text: <start_of_turn> and <end_of_turn> stay text tokens",
            string.Concat(Enumerable.Repeat("long input ", 500)),
        ];

        using var folder = new TempFolder();
        string input = Path.Combine(folder.Path, "texts.json"), output = Path.Combine(folder.Path, "ids.json");
        await File.WriteAllTextAsync(input, JsonSerializer.Serialize(texts.Select(t => t.Select(c => (int)c).ToArray())));
        await NodeReference.RunScriptAsync("tokenize.mjs", fixture.ModelDirectory, input, output);
        int[][] reference = JsonSerializer.Deserialize<int[][]>(await File.ReadAllTextAsync(output))!;

        IReadOnlyList<int[]> ids = fixture.Generator.Tokenize(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.True(reference[i].SequenceEqual(ids[i]), $"text {i}: {string.Join(",", ids[i])} vs {string.Join(",", reference[i])}");
        }
    }
}
