using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Extensions.Tests;

public sealed class PromptGeneratorTests
{
    [Fact]
    public async Task Adds_its_prompt_only_when_the_caller_names_none()
    {
        var inner = new CapturingGenerator();
        IEmbeddingGenerator<string, Embedding<float>> query = inner.AsQueryGenerator();

        await query.GenerateAsync(["a"]);
        await query.GenerateAsync(["a"], EmbeddingGemmaGenerationOptions.ForDocuments());
        await query.GenerateAsync(["a"], EmbeddingGemmaGenerationOptions.ForRawPrompt("custom: "));
        var callerOptions = new EmbeddingGenerationOptions { Dimensions = 32 };
        await query.GenerateAsync(["a"], callerOptions);

        Assert.Equal("query", inner.Seen[0].PromptName);
        Assert.Equal("document", inner.Seen[1].PromptName);
        Assert.Null(inner.Seen[2].PromptName);
        Assert.Equal("custom: ", inner.Seen[2].Options!.AdditionalProperties![EmbeddingGemmaPropertyNames.Prompt]);
        Assert.Equal(("query", (int?)32), (inner.Seen[3].PromptName, inner.Seen[3].Options!.Dimensions));
        Assert.Null(callerOptions.AdditionalProperties); // cloned, never changed
    }

    [Fact]
    public async Task Ambient_scope_wins_over_the_fixed_prompt_and_nests()
    {
        var inner = new CapturingGenerator();
        IEmbeddingGenerator<string, Embedding<float>> documents = inner.AsDocumentGenerator();

        using (EmbeddingGemmaPromptScope.Begin(EmbeddingGemmaPromptNames.Query))
        {
            await documents.GenerateAsync(["a"]);
            using (EmbeddingGemmaPromptScope.Begin(EmbeddingGemmaPromptNames.Clustering))
            {
                await documents.GenerateAsync(["a"]);
            }

            await documents.GenerateAsync(["a"]);
        }

        await documents.GenerateAsync(["a"]);
        Assert.Equal(["query", "Clustering", "query", "document"], inner.Seen.Select(s => s.PromptName));
        Assert.Null(EmbeddingGemmaPromptScope.Current);
    }

    [Fact]
    public async Task UseDefaultPrompt_adds_the_role_inside_a_pipeline()
    {
        var inner = new CapturingGenerator();
        IEmbeddingGenerator<string, Embedding<float>> pipeline = inner.AsBuilder().UseDefaultPrompt("STS").Build();
        await pipeline.GenerateAsync(["a"]);
        Assert.Equal("STS", inner.Seen.Single().PromptName);
    }

    [Fact]
    public void Arguments_are_checked_by_name()
    {
        Assert.Throws<ArgumentNullException>("generator", () => EmbeddingGemmaPromptGeneratorExtensions.AsQueryGenerator(null!));
        Assert.Throws<ArgumentNullException>("innerGenerator", () => new EmbeddingGemmaPromptGenerator(null!, "query"));
        Assert.Throws<ArgumentException>("promptName", () => new CapturingGenerator().WithDefaultPrompt(" "));
        Assert.Throws<ArgumentException>("promptName", () => EmbeddingGemmaPromptScope.Begin(""));
    }

    private sealed class CapturingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public List<(EmbeddingGenerationOptions? Options, string? PromptName)> Seen { get; } = [];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            object? name = null;
            options?.AdditionalProperties?.TryGetValue(EmbeddingGemmaPropertyNames.PromptName, out name);
            Seen.Add((options, name as string));
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(new float[] { 1, 0 }))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
