using SkEmbeddingGemma.TestSupport;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Tests.Integration;

/// <summary>The <c>embeddinggemma</c> command, run as a real process over real files.</summary>
public sealed class CliTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Tokenize_writes_the_model_input_ids_per_line()
    {
        using var folder = new TempFolder();
        string input = Path.Combine(folder.Path, "in.jsonl"), output = Path.Combine(folder.Path, "out.jsonl");
        await File.WriteAllLinesAsync(input, [
            JsonSerializer.Serialize(new { text = "Mars is red" }),
            JsonSerializer.Serialize(new { text = "Mars is red", prompt_name = "document", title = "Planets" }),
            JsonSerializer.Serialize(new { text = "" }),
        ]);

        (int code, _, string stderr) = await CliProcess.RunAsync("tokenize", "--model", fixture.ModelDirectory, "--prompt-name", "query", "--input", input, "--output", output);

        Assert.True(code == 0, stderr);
        string[] lines = await File.ReadAllLinesAsync(output);
        Assert.Equal(3, lines.Length);
        Assert.Equal(fixture.Generator.Tokenize(["Mars is red"], EmbeddingGemmaGenerationOptions.ForQuery())[0], Ids(lines[0]));
        Assert.Equal(fixture.Generator.Tokenize(["Mars is red"], EmbeddingGemmaGenerationOptions.ForDocuments(["Planets"]))[0], Ids(lines[1]));
        Assert.Equal(fixture.Generator.Tokenize([""], EmbeddingGemmaGenerationOptions.ForQuery())[0], Ids(lines[2]));
    }

    [Fact]
    public async Task Embed_writes_embeddings_and_token_counts_in_input_order()
    {
        using var folder = new TempFolder();
        string input = Path.Combine(folder.Path, "in.jsonl"), output = Path.Combine(folder.Path, "out.jsonl");
        string[] texts = Corpus.Texts;
        await File.WriteAllLinesAsync(input, texts.Select(t => JsonSerializer.Serialize(new { text = t })));

        (int code, _, string stderr) = await CliProcess.RunAsync(
            "embed", "--model", fixture.ModelDirectory, "--prompt-name", "document", "--dimensions", "32", "--batch-size", "3", "--input", input, "--output", output);

        Assert.True(code == 0, stderr);
        string[] lines = await File.ReadAllLinesAsync(output);
        GeneratedEmbeddings<Embedding<float>> expected = await fixture.Generator.GenerateDocumentEmbeddingsAsync(texts, dimensions: 32);
        Assert.Equal(texts.Length, lines.Length);
        for (int i = 0; i < texts.Length; i++)
        {
            using JsonDocument line = JsonDocument.Parse(lines[i]);
            float[] vector = line.RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            Assert.Equal(32, vector.Length);
            Assert.True(vector.Zip(expected[i].Vector.ToArray()).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5f, $"line {i}");
            Assert.Equal((int)expected[i].AdditionalProperties!["input_token_count"]!, line.RootElement.GetProperty("tokens").GetInt32());
        }
    }

    [Fact]
    public async Task Stdin_and_stdout_with_dash()
    {
        (int code, string stdout, string stderr) = await CliProcess.RunAsync(
            ["tokenize", "--model", fixture.ModelDirectory, "--input", "-", "--output", "-"], stdin: "{\"text\": \"hi\"}\n");

        Assert.True(code == 0, stderr);
        Assert.Equal(fixture.Generator.Tokenize(["hi"])[0], Ids(stdout.Trim()));
    }

    [Theory]
    [InlineData("not json", "line 1")]
    [InlineData("{\"txt\": \"x\"}", "\"text\"")]
    [InlineData("{\"text\": \"x\", \"prompt_name\": \"nope\"}", "nope")]
    public async Task Bad_input_exits_non_zero_with_one_line(string line, string expected)
    {
        using var folder = new TempFolder();
        string input = Path.Combine(folder.Path, "in.jsonl");
        await File.WriteAllTextAsync(input, line + "\n");

        (int code, _, string stderr) = await CliProcess.RunAsync("tokenize", "--model", fixture.ModelDirectory, "--input", input, "--output", Path.Combine(folder.Path, "o"));

        Assert.NotEqual(0, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public async Task Missing_model_says_how_to_get_one()
    {
        (int code, _, string stderr) = await CliProcess.RunAsync(["tokenize", "--input", "-", "--output", "-"], stdin: "", environment: new() { ["EMBEDDINGGEMMA_MODEL_PATH"] = "" });

        Assert.NotEqual(0, code);
        Assert.Contains("EMBEDDINGGEMMA_MODEL_PATH", stderr);
        Assert.Contains("onnx-community/embeddinggemma-300m-ONNX", stderr);
        Assert.Contains("embeddinggemma download", stderr);
    }

    [Fact]
    public async Task Float16_variant_exits_with_the_reason()
    {
        (int code, _, string stderr) = await CliProcess.RunAsync(
            ["embed", "--model", fixture.ModelDirectory, "--variant", "model_fp16", "--input", "-", "--output", "-"], stdin: "");

        Assert.Equal(1, code);
        Assert.Contains("float16", stderr);
    }

    [Fact]
    public async Task Quantize_writes_a_labelled_int8_variant_that_embed_can_use()
    {
        using var copy = new CopiedModel(fixture.ModelDirectory);

        (int code, string stdout, string stderr) = await CliProcess.RunAsync("quantize", "--model", copy.Path);

        Assert.True(code == 0, stderr);
        Assert.Equal("model_int8", stdout.Trim());
        Assert.Contains("min cosine to float32 over 16 probe embeddings: 0.99", stderr);
        Assert.Contains("approximate", stderr);
        Assert.True(File.Exists(copy.FilePath("onnx/model_int8.onnx")) && File.Exists(copy.FilePath("onnx/model_int8.onnx_data")));

        (code, stdout, stderr) = await CliProcess.RunAsync(
            ["embed", "--model", copy.Path, "--variant", "model_int8", "--prompt-name", "query", "--input", "-", "--output", "-"],
            stdin: JsonSerializer.Serialize(new { text = "Which planet is known as the Red Planet?" }));

        Assert.True(code == 0, stderr);
        using JsonDocument line = JsonDocument.Parse(stdout);
        float[] quantized = [.. line.RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())];
        float[] reference = (await fixture.Generator.GenerateQueryEmbeddingAsync("Which planet is known as the Red Planet?")).Vector.ToArray();
        Assert.NotEqual(reference, quantized);
        Assert.InRange(System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(reference, quantized), 0.99f, 1.0001f);
    }

    [Fact]
    public async Task Quantize_refuses_to_replace_the_float32_graph_and_deletes_a_variant_below_the_cosine_floor()
    {
        using var copy = new CopiedModel(fixture.ModelDirectory);

        (int code, _, string stderr) = await CliProcess.RunAsync("quantize", "--model", copy.Path, "--name", "model");
        Assert.Equal(1, code);
        Assert.Contains("--name 'model' would replace the float32 graph", stderr);

        (code, _, stderr) = await CliProcess.RunAsync("quantize", "--model", copy.Path, "--min-cosine", "1");
        Assert.Equal(1, code);
        Assert.Contains("below --min-cosine 1: the variant was deleted", stderr);
        Assert.False(File.Exists(copy.FilePath("onnx/model_int8.onnx")));
        Assert.False(File.Exists(copy.FilePath("onnx/model_int8.onnx_data")));
        Assert.True(File.Exists(copy.FilePath("onnx/model.onnx_data")));
    }

    private static int[] Ids(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        return document.RootElement.GetProperty("ids").EnumerateArray().Select(v => v.GetInt32()).ToArray();
    }
}
