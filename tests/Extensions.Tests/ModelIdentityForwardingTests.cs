using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using SkEmbeddingGemma.MicroBatching;
using SkEmbeddingGemma.Extensions.Tests.Support;

namespace SkEmbeddingGemma.Extensions.Tests;

/// <summary>
/// Every generator the library hands out answers <see cref="EmbeddingGeneratorMetadata"/> with the loaded model's
/// content identity, so a vector store that records it sees the model, not a wrapper or a folder name.
/// </summary>
public sealed class ModelIdentityForwardingTests
{
    private static string DirectIdentity()
    {
        using var direct = new EmbeddingGemmaGenerator(TinyModel.Directory);
        return direct.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId!;
    }

    [Fact]
    public async Task The_DI_generator_loads_the_model_when_asked_and_reports_its_identity()
    {
        string expected = DirectIdentity();
        Assert.StartsWith("gemma3_text@sha256:", expected, StringComparison.Ordinal);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEmbeddingGemma(o => o.ModelPath = TinyModel.Directory).UseDefaultPrompt(EmbeddingGemmaPromptNames.Document).UseLogging();
        services.AddKeyedEmbeddingGemma("narrow", o => { o.ModelPath = TinyModel.Directory; o.Dimensions = 16; });
        await using ServiceProvider provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.Equal(EmbeddingGemmaModelStatus.NotLoaded, provider.GetRequiredService<EmbeddingGemmaModel>().Status);

        EmbeddingGeneratorMetadata? metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal(expected, metadata!.DefaultModelId);
        Assert.Equal(EmbeddingGemmaGenerator.ProviderName, metadata.ProviderName);
        Assert.Equal(EmbeddingGemmaModelStatus.Loaded, provider.GetRequiredService<EmbeddingGemmaModel>().Status);

        // Same model, another default width: the identity is the model's, the width is its own field.
        var narrow = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("narrow");
        Assert.Equal(expected, narrow.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
        Assert.Equal(16, narrow.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);

        // Wrappers over the DI generator.
        Assert.Equal(expected, generator.AsQueryGenerator().AsMicroBatching().GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
    }

    [Fact]
    public void Prompt_and_micro_batching_wrappers_forward_the_identity()
    {
        string expected = DirectIdentity();
        using var generator = new EmbeddingGemmaGenerator(TinyModel.Directory);
        IEmbeddingGenerator<string, Embedding<float>>[] wrappers =
        [
            generator.AsQueryGenerator(),
            generator.AsDocumentGenerator(),
            generator.WithDefaultPrompt(EmbeddingGemmaPromptNames.Query),
            generator.AsMicroBatching(),
            generator.AsMicroBatching().AsDocumentGenerator(),
            new EmbeddingGeneratorBuilder<string, Embedding<float>>(generator).UseDefaultPrompt(EmbeddingGemmaPromptNames.Query).Build(),
        ];
        foreach (IEmbeddingGenerator<string, Embedding<float>> wrapper in wrappers)
        {
            Assert.Equal(expected, wrapper.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
        }
    }
}
