using SkEmbeddingGemma.ModelFactory;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Integration;

public sealed class ModelLoadingTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Float16_graphs_are_refused_by_name_and_by_type()
    {
        using var folder = new TempFolder();
        EmbeddingGemmaModelWriter.Write(folder.Path, GemmaEncoderConfig.Tiny, TestModels.Seed, GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory, ModelVariants.Float16);

        NotSupportedException byName = Assert.Throws<NotSupportedException>(
            () => new EmbeddingGemmaGenerator(folder.Path, new EmbeddingGemmaGeneratorOptions { Variant = "model_fp16" }));
        Assert.Contains("overflow", byName.Message);

        // The same graph under a neutral name: its float16 output gives it away.
        File.Move(Path.Combine(folder.Path, "onnx", "model_fp16.onnx"), Path.Combine(folder.Path, "onnx", "model_half.onnx"));
        NotSupportedException byType = Assert.Throws<NotSupportedException>(
            () => new EmbeddingGemmaGenerator(folder.Path, new EmbeddingGemmaGeneratorOptions { Variant = "model_half" }));
        Assert.Contains("float16", byType.Message);
    }

    [Fact]
    public void Corrupt_graph_is_named()
    {
        using var copy = new CopiedModel(fixture.ModelDirectory);
        File.WriteAllBytes(copy.FilePath("onnx/model.onnx"), [1, 2, 3, 4, 5]);

        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => new EmbeddingGemmaGenerator(copy.Path));

        Assert.Contains("model.onnx", ex.Message);
    }

    [Fact]
    public void Missing_external_weights_are_named()
    {
        using var copy = new CopiedModel(fixture.ModelDirectory);
        File.Delete(copy.FilePath("onnx/model.onnx_data"));

        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => new EmbeddingGemmaGenerator(copy.Path));

        Assert.Contains("model.onnx_data", ex.Message);
    }

    [Fact]
    public void Missing_tokenizer_is_named()
    {
        using var copy = new CopiedModel(fixture.ModelDirectory);
        foreach (string file in new[] { "tokenizer.json", "tokenizer.model" })
        {
            File.Delete(copy.FilePath(file));
        }

        FileNotFoundException ex = Assert.Throws<FileNotFoundException>(() => new EmbeddingGemmaGenerator(copy.Path));

        Assert.Contains("tokenizer", ex.Message);
    }

    [Fact]
    public void Tokenizer_model_alone_gives_the_same_ids()
    {
        using var copy = new CopiedModel(fixture.ModelDirectory);
        File.Delete(copy.FilePath("tokenizer.json"));
        using var fromModel = new EmbeddingGemmaGenerator(copy.Path);

        Assert.Equal(fixture.Generator.Tokenize(Corpus.Texts), fromModel.Tokenize(Corpus.Texts));
    }

    [Fact]
    public void Dimensions_option_above_the_width_is_refused()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(
            () => new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { Dimensions = 4096 }));

        Assert.Contains("4096", ex.Message);
    }

    [Fact]
    public void Unknown_variant_lists_what_is_there()
    {
        FileNotFoundException ex = Assert.Throws<FileNotFoundException>(
            () => new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { Variant = "model_q4" }));

        Assert.Contains("model_q4", ex.Message);
        Assert.Contains("Variants present: model", ex.Message);
    }
}
