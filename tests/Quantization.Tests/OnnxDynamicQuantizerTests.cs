using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SkEmbeddingGemma.ModelFactory;
using SkEmbeddingGemma.Quantization.Onnx;
using SkEmbeddingGemma.TestSupport;
using Xunit.Abstractions;

namespace SkEmbeddingGemma.Quantization.Tests;

/// <summary>
/// The cached tiny model (real tokenizer) quantized into a temp folder in both formats; the float32 graph is read
/// from the cache, the rest of the folder is copied so the generator can load the quantized variants.
/// </summary>
public sealed class QuantizedModelFixture : IDisposable
{
    public QuantizedModelFixture()
    {
        FloatDirectory = TestModels.EnsureTinyModel(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory);
        Directory = Path.Combine(Path.GetTempPath(), "skeg-quant-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "onnx"));
        foreach (string file in System.IO.Directory.EnumerateFiles(FloatDirectory, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(FloatDirectory, file);
            if (!relative.StartsWith("onnx", StringComparison.Ordinal))
            {
                string target = Path.Combine(Directory, relative);
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        string source = Path.Combine(FloatDirectory, "onnx", "model.onnx");
        ContribSummary = OnnxDynamicQuantizer.Quantize(source, Path.Combine(Directory, "onnx", "model_quantized.onnx"));
        IntegerSummary = OnnxDynamicQuantizer.Quantize(
            source, Path.Combine(Directory, "onnx", "model_matmulinteger.onnx"), new OnnxDynamicQuantizerOptions { Format = QuantizedMatMulFormat.MatMulInteger });
        FourBitSummary = OnnxDynamicQuantizer.Quantize(
            source, Path.Combine(Directory, "onnx", "model_q4.onnx"), new OnnxDynamicQuantizerOptions { Format = QuantizedMatMulFormat.MatMulNBits4 });
    }

    public string FloatDirectory { get; }

    public string Directory { get; }

    public QuantizationSummary ContribSummary { get; }

    public QuantizationSummary IntegerSummary { get; }

    public QuantizationSummary FourBitSummary { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

public sealed class OnnxDynamicQuantizerTests(QuantizedModelFixture fixture, ITestOutputHelper output) : IClassFixture<QuantizedModelFixture>
{
    // 7 projections per layer (q, k, v, o, gate, up, down) plus the two Dense layers of the head.
    private const int WeightMatMuls = 6 * 7 + 2;

    // Activation × activation products (scores and context per layer) have no constant side and stay float.
    private const int AttentionMatMuls = 6 * 2;

    private static readonly string[] s_texts =
    [
        "Hello world.",
        "The quick brown fox jumps over the lazy dog.",
        "task: search result | query: how do vaccines train the immune system?",
        "title: none | text: Photosynthesis converts light energy into chemical energy stored in glucose.",
        "Rust's borrow checker enforces aliasing XOR mutability at compile time.",
        "¿Dónde está la biblioteca más cercana?",
        "東京は日本の首都です。",
        "Ceci n'est pas une pipe.",
        "1234567890 + 987654321 = 1111111111",
        "SELECT name, COUNT(*) FROM users GROUP BY name HAVING COUNT(*) > 1;",
        "    indented   text\twith\ttabs\nand newlines\n\n",
        "😀🚀 emoji-heavy input 🎉🎉🎉",
        "a",
        "Supercalifragilisticexpialidocious",
        "The mitochondria is the powerhouse of the cell, and it produces ATP through oxidative phosphorylation.",
        "Встреча перенесена на следующую неделю из-за праздников.",
        "def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)",
        "<html><body><p>Markup &amp; entities</p></body></html>",
        string.Join(' ', Enumerable.Repeat("Long documents repeat themselves to stretch the sequence past a few hundred tokens.", 40)),
        "task: sentence similarity | query: A man is playing a guitar on stage.",
        "Les modèles d'embedding transforment le texte en vecteurs.",
        "https://example.com/path?query=1&other=two#fragment",
    ];

    [Fact]
    public void DynamicQuantizeMatMul_format_replaces_every_weight_MatMul()
    {
        ModelProto model = Read("model_quantized");
        var ops = model.Graph.Node.GroupBy(n => (n.Domain, n.OpType)).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(WeightMatMuls, ops[("com.microsoft", "DynamicQuantizeMatMul")]);
        Assert.Equal(AttentionMatMuls, ops[(string.Empty, "MatMul")]);
        Assert.Contains(model.OpsetImport, o => o.Domain == "com.microsoft" && o.Version == 1);
        Assert.Equal(new QuantizationSummary(WeightMatMuls, AttentionMatMuls, fixture.ContribSummary.ModelBytes, fixture.ContribSummary.DataBytes), fixture.ContribSummary);
        AssertWeightsAreInt8(model);
    }

    [Fact]
    public void MatMulInteger_format_uses_standard_integer_ops_only()
    {
        ModelProto model = Read("model_matmulinteger");
        var ops = model.Graph.Node.GroupBy(n => (n.Domain, n.OpType)).ToDictionary(g => g.Key, g => g.Count());

        Assert.All(model.Graph.Node, n => Assert.Equal(string.Empty, n.Domain));
        Assert.Equal(WeightMatMuls, ops[(string.Empty, "DynamicQuantizeLinear")]);
        Assert.Equal(WeightMatMuls, ops[(string.Empty, "MatMulInteger")]);
        Assert.Equal(AttentionMatMuls, ops[(string.Empty, "MatMul")]);
        Assert.DoesNotContain(model.OpsetImport, o => o.Domain == "com.microsoft");
        Assert.Equal(WeightMatMuls, fixture.IntegerSummary.QuantizedMatMuls);
        AssertWeightsAreInt8(model);
    }

    [Theory]
    [InlineData("model_quantized")]
    [InlineData("model_matmulinteger")]
    public void Quantized_graph_runs_in_onnx_runtime_close_to_float32(string variant)
    {
        long[] ids = [2, 651, 4320, 8864, 33360, 1, 0, 0, 2, 9999, 123, 45678, 262143, 17, 88, 1];
        long[] mask = [1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
        using InferenceSession reference = OrtRunner.Open(Path.Combine(fixture.FloatDirectory, "onnx", "model.onnx"));
        using InferenceSession quantized = OrtRunner.Open(Path.Combine(fixture.Directory, "onnx", variant + ".onnx"));

        float[] expected = OrtRunner.Run(reference, ids, mask, batchSize: 2).Embedding;
        float[] actual = OrtRunner.Run(quantized, ids, mask, batchSize: 2).Embedding;

        for (int row = 0; row < 2; row++)
        {
            float cosine = TensorPrimitives.CosineSimilarity(expected.AsSpan(row * 64, 64), actual.AsSpan(row * 64, 64));
            Assert.InRange(cosine, 0.99f, 1.0001f);
        }
    }

    [Theory]
    [InlineData("model_quantized")]
    [InlineData("model_matmulinteger")]
    public async Task Generator_embeddings_have_cosine_at_least_0_99_to_float32(string variant)
    {
        using var reference = new EmbeddingGemmaGenerator(fixture.FloatDirectory);
        using var quantized = new EmbeddingGemmaGenerator(fixture.Directory, new EmbeddingGemmaGeneratorOptions { Variant = variant });

        GeneratedEmbeddings<Embedding<float>> expected = await reference.GenerateAsync(s_texts);
        GeneratedEmbeddings<Embedding<float>> actual = await quantized.GenerateAsync(s_texts);

        float[] cosines = [.. expected.Zip(actual, (e, a) => TensorPrimitives.CosineSimilarity(e.Vector.Span, a.Vector.Span))];
        output.WriteLine($"{variant}: min cosine {cosines.Min():F5}, mean {cosines.Average():F5} over {cosines.Length} texts");
        Assert.Equal(s_texts.Length, cosines.Length);
        Assert.InRange(cosines.Min(), 0.99f, 1.0001f);
    }

    [Fact]
    public async Task Four_bit_graph_replaces_every_weight_matmul_and_stays_near_float32()
    {
        ModelProto model = Read("model_q4");
        NodeProto[] nbits = [.. model.Graph.Node.Where(n => n.OpType == "MatMulNBits")];
        Assert.Equal(WeightMatMuls, nbits.Length);
        Assert.All(nbits, n => Assert.Equal("com.microsoft", n.Domain));
        Assert.All(nbits, n => Assert.Equal((4L, 32L, 4L), (Attribute(n, "bits"), Attribute(n, "block_size"), Attribute(n, "accuracy_level"))));
        Assert.Equal(WeightMatMuls, fixture.FourBitSummary.QuantizedMatMuls);

        using var reference = new EmbeddingGemmaGenerator(fixture.FloatDirectory);
        using var fourBit = new EmbeddingGemmaGenerator(fixture.Directory, new EmbeddingGemmaGeneratorOptions { Variant = "model_q4" });
        GeneratedEmbeddings<Embedding<float>> expected = await reference.GenerateAsync(s_texts);
        GeneratedEmbeddings<Embedding<float>> actual = await fourBit.GenerateAsync(s_texts);
        float[] cosines = [.. expected.Zip(actual, (e, a) => TensorPrimitives.CosineSimilarity(e.Vector.Span, a.Vector.Span))];
        output.WriteLine($"model_q4: min cosine {cosines.Min():F5}, mean {cosines.Average():F5} over {cosines.Length} texts");

        // 15 levels per block of 32 through six random-weight layers: measured 0.90 min, 0.95 mean. A broken layout gives ~0.
        Assert.InRange(cosines.Min(), 0.85f, 1.0001f);
    }

    private static long Attribute(NodeProto node, string name) => node.Attribute.Single(a => a.Name == name).I;

    [Fact]
    public void Writer_Int8_flag_writes_model_quantized_with_or_without_float32()
    {
        GemmaEncoderConfig config = GemmaEncoderConfig.Tiny with { VocabSize = 512 };
        string directory = Path.Combine(Path.GetTempPath(), "skeg-quant-writer-" + Guid.NewGuid().ToString("N"));
        try
        {
            EmbeddingGemmaModelWriter.Write(Path.Combine(directory, "a"), config, 7, tokenizerDirectory: null, ModelVariants.Int8);
            EmbeddingGemmaModelWriter.Write(Path.Combine(directory, "b"), config, 7, tokenizerDirectory: null, ModelVariants.Float32 | ModelVariants.Int8);

            Assert.Equal(["model_quantized.onnx", "model_quantized.onnx_data"], FileNames(Path.Combine(directory, "a", "onnx")));
            Assert.Equal(["model.onnx", "model.onnx_data", "model_quantized.onnx", "model_quantized.onnx_data"], FileNames(Path.Combine(directory, "b", "onnx")));
            Assert.Equal(
                File.ReadAllBytes(Path.Combine(directory, "a", "onnx", "model_quantized.onnx_data")),
                File.ReadAllBytes(Path.Combine(directory, "b", "onnx", "model_quantized.onnx_data")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        static string[] FileNames(string folder) => [.. Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
    }

    [Fact]
    public void Missing_model_throws_FileNotFoundException_naming_it()
    {
        string missing = Path.Combine(Path.GetTempPath(), "skeg-no-such-" + Guid.NewGuid().ToString("N"), "model.onnx");

        var error = Assert.Throws<FileNotFoundException>(() => OnnxDynamicQuantizer.Quantize(missing, missing + ".out.onnx"));

        Assert.Equal(missing, error.FileName);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public void Corrupt_model_throws_InvalidDataException_naming_it_and_writes_nothing(string kind)
    {
        string directory = Path.Combine(Path.GetTempPath(), "skeg-quant-bad-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, "model.onnx");
            byte[] real = File.ReadAllBytes(Path.Combine(fixture.FloatDirectory, "onnx", "model.onnx"));
            File.WriteAllBytes(path, kind switch
            {
                "text" => "this is not an ONNX model"u8.ToArray(),
                "truncated" => real[..(real.Length / 2)],
                _ => [],
            });

            var error = Assert.Throws<InvalidDataException>(() => OnnxDynamicQuantizer.Quantize(path, Path.Combine(directory, "out.onnx")));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Equal(["model.onnx"], Directory.EnumerateFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Missing_external_data_throws_FileNotFoundException_naming_the_data_file()
    {
        string directory = Path.Combine(Path.GetTempPath(), "skeg-quant-nodata-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            File.Copy(Path.Combine(fixture.FloatDirectory, "onnx", "model.onnx"), Path.Combine(directory, "model.onnx"));

            var error = Assert.Throws<FileNotFoundException>(
                () => OnnxDynamicQuantizer.Quantize(Path.Combine(directory, "model.onnx"), Path.Combine(directory, "out.onnx")));

            Assert.Equal(Path.Combine(directory, "model.onnx_data"), error.FileName);
            Assert.Equal(["model.onnx"], Directory.EnumerateFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private ModelProto Read(string variant) =>
        ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(fixture.Directory, "onnx", variant + ".onnx")));

    // No float 2-D weight survives except the embedding table, which Gather reads (kept float like quantize_dynamic's default here).
    private static void AssertWeightsAreInt8(ModelProto model)
    {
        TensorProto[] matrices = [.. model.Graph.Initializer.Where(t => t.Dims.Count == 2)];
        Assert.Equal(WeightMatMuls, matrices.Count(t => t.DataType == (int)TensorProto.Types.DataType.Int8));
        TensorProto floatMatrix = Assert.Single(matrices, t => t.DataType == (int)TensorProto.Types.DataType.Float);
        Assert.Equal(GemmaWeightLayout.EmbedTokens, floatMatrix.Name);
    }
}
