using SkEmbeddingGemma.TestSupport;
using SkEmbeddingGemma.Model;

namespace SkEmbeddingGemma.Tests.Model;

public sealed class ModelFolderTests
{
    [Fact]
    public void Resolves_variants_under_onnx()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "onnx"));
        File.WriteAllText(Path.Combine(folder.Path, "onnx", "model.onnx"), "");
        File.WriteAllText(Path.Combine(folder.Path, "onnx", "model_q4.onnx"), "");

        Assert.Equal(Path.Combine(folder.Path, "onnx", "model_q4.onnx"), ModelFolder.ResolveGraph(folder.Path, "model_q4"));
        Assert.Equal(Path.Combine(folder.Path, "onnx", "model.onnx"), ModelFolder.ResolveGraph(folder.Path, "model.onnx"));
    }

    [Fact]
    public void Missing_variant_lists_the_present_ones()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "onnx"));
        File.WriteAllText(Path.Combine(folder.Path, "onnx", "model_quantized.onnx"), "");

        FileNotFoundException ex = Assert.Throws<FileNotFoundException>(() => ModelFolder.ResolveGraph(folder.Path, "model"));
        Assert.Contains("model_quantized", ex.Message);
        Assert.Contains("onnx/model.onnx", ex.Message);
    }

    [Fact]
    public void Empty_folder_says_how_to_get_a_model()
    {
        using var folder = new TempFolder();

        FileNotFoundException ex = Assert.Throws<FileNotFoundException>(() => ModelFolder.ResolveGraph(folder.Path, "model"));
        Assert.Contains("onnx-community/embeddinggemma-300m-ONNX", ex.Message);
    }

    [Fact]
    public void Missing_folder_is_named()
    {
        DirectoryNotFoundException ex = Assert.Throws<DirectoryNotFoundException>(() => ModelFolder.ResolveGraph("/no/such/folder", "model"));
        Assert.Contains("/no/such/folder", ex.Message);
    }

    [Theory]
    [InlineData("model_fp16")]
    [InlineData("MODEL_FLOAT16")]
    public void Float16_variants_are_refused_with_the_reason(string variant)
    {
        using var folder = new TempFolder();

        NotSupportedException ex = Assert.Throws<NotSupportedException>(() => ModelFolder.ResolveGraph(folder.Path, variant));
        Assert.Contains("overflow", ex.Message);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    public void Path_like_variants_are_refused(string variant)
    {
        using var folder = new TempFolder();

        Assert.Throws<ArgumentException>("variant", () => ModelFolder.ResolveGraph(folder.Path, variant));
    }
}
