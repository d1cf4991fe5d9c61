namespace SkEmbeddingGemma.Tests.Integration;

public sealed class ModelLoadingTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Float16_variant_is_refused_with_the_reason()
    {
        Assert.True(File.Exists(Path.Combine(fixture.ModelDirectory, "onnx", "model_fp16.onnx")));

        NotSupportedException ex = Assert.Throws<NotSupportedException>(
            () => new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { Variant = "model_fp16" }));

        Assert.Contains("float16", ex.Message);
        Assert.Contains("overflow", ex.Message);
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
        Assert.Contains("model_fp16", ex.Message);
    }
}
