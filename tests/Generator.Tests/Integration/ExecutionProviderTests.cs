using SkEmbeddingGemma.TestSupport;
using Microsoft.ML.OnnxRuntime;

namespace SkEmbeddingGemma.Tests.Integration;

public sealed class ExecutionProviderTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Theory]
    [InlineData(EmbeddingGemmaExecutionProvider.Cuda, "CUDAExecutionProvider", "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData(EmbeddingGemmaExecutionProvider.DirectML, "DmlExecutionProvider", "Microsoft.ML.OnnxRuntime.DirectML")]
    [InlineData(EmbeddingGemmaExecutionProvider.CoreML, "CoreMLExecutionProvider", "macOS/iOS build")]
    [InlineData(EmbeddingGemmaExecutionProvider.OpenVino, "OpenVINOExecutionProvider", "Intel.ML.OnnxRuntime.OpenVino")]
    public void A_provider_missing_from_the_runtime_names_its_package(EmbeddingGemmaExecutionProvider provider, string ortName, string package)
    {
        // The tests reference the CPU package, which has none of these providers.
        Assert.DoesNotContain(ortName, OrtEnv.Instance().GetAvailableProviders());

        NotSupportedException ex = Assert.Throws<NotSupportedException>(
            () => new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { ExecutionProvider = provider, DeviceId = 1 }));

        Assert.Contains(ortName, ex.Message);
        Assert.Contains(package, ex.Message);
        Assert.Contains("CPUExecutionProvider", ex.Message);
    }

    [Fact]
    public async Task The_cpu_provider_chosen_explicitly_equals_the_default()
    {
        using var byDefault = new EmbeddingGemmaGenerator(fixture.ModelDirectory);
        using var explicitCpu = new EmbeddingGemmaGenerator(fixture.ModelDirectory, new EmbeddingGemmaGeneratorOptions { ExecutionProvider = EmbeddingGemmaExecutionProvider.Cpu });

        float[] expected = (await byDefault.GenerateQueryEmbeddingAsync("Which planet is red?")).Vector.ToArray();
        float[] actual = (await explicitCpu.GenerateQueryEmbeddingAsync("Which planet is red?")).Vector.ToArray();

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_session_options_factory_cannot_be_combined_with_provider_settings()
    {
        var options = new EmbeddingGemmaGeneratorOptions
        {
            SessionOptionsFactory = () => new SessionOptions(),
            ExecutionProvider = EmbeddingGemmaExecutionProvider.Cuda,
        };

        ArgumentException ex = Assert.Throws<ArgumentException>(() => new EmbeddingGemmaGenerator(fixture.ModelDirectory, options));

        Assert.Contains("ExecutionProvider", ex.Message);
    }

    [Fact]
    public void Undefined_providers_and_negative_devices_are_refused()
    {
        var options = new EmbeddingGemmaGeneratorOptions();

        Assert.Throws<ArgumentOutOfRangeException>(() => options.ExecutionProvider = (EmbeddingGemmaExecutionProvider)42);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.DeviceId = -1);
    }
}
