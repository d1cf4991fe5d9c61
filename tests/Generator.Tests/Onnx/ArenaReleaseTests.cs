using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SkEmbeddingGemma.Onnx;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Onnx;

/// <summary>
/// A long input on the tiny EmbeddingGemma 2 model through a real ONNX Runtime session: its attention grows the CPU arena
/// by hundreds of megabytes (two heads × 4,096² floats per score matrix), which the run hands back when it ends.
/// </summary>
[Collection(nameof(ArenaReleaseCollection))]
public sealed class ArenaReleaseTests
{
    private const int LongTokens = 4096;

    // 2 heads × 4,096² × 4 bytes: one score matrix; a run holds at least two at once.
    private const long ScoreMatrixBytes = 2L * LongTokens * LongTokens * sizeof(float);

    private static readonly string s_longText = string.Join(' ', Enumerable.Repeat("memory", LongTokens * 2));

    [Fact]
    public async Task A_long_input_returns_the_arena_memory_its_attention_grew_and_a_short_one_still_runs()
    {
        string model = TestModels.EnsureTinyEmbeddingGemma2Model();
        using var generator = new EmbeddingGemmaGenerator(model, new EmbeddingGemmaGeneratorOptions { MaxTokens = LongTokens });
        Assert.True(LongTokens >= OnnxEmbeddingSession.ArenaReleaseFrom);
        Embedding<float> shortBefore = (await generator.GenerateAsync(["a short text"]))[0];
        long before = Resident();

        Embedding<float> embedding = (await generator.GenerateAsync([s_longText]))[0];
        long after = Resident();

        Assert.Equal(LongTokens, embedding.AdditionalProperties![EmbeddingGemmaGenerator.InputTokenCountPropertyName]);
        // Without the release the arena keeps at least the two score matrices the run held at once.
        Assert.True(after - before < ScoreMatrixBytes / 2, $"resident {before / 1_000_000} MB before, {after / 1_000_000} MB after the long input");
        Embedding<float> shortAfter = (await generator.GenerateAsync(["a short text"]))[0];
        Assert.Equal(shortBefore.Vector.ToArray(), shortAfter.Vector.ToArray());
    }

    [Fact]
    public async Task Without_a_CPU_arena_a_long_input_runs_and_gives_the_same_embedding()
    {
        string model = TestModels.EnsureTinyEmbeddingGemma2Model();
        using var withArena = new EmbeddingGemmaGenerator(model, new EmbeddingGemmaGeneratorOptions { MaxTokens = LongTokens });
        using var withoutArena = new EmbeddingGemmaGenerator(model, new EmbeddingGemmaGeneratorOptions
        {
            MaxTokens = LongTokens,
            SessionOptionsFactory = () => new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, EnableCpuMemArena = false },
        });

        float[] expected = (await withArena.GenerateAsync([s_longText]))[0].Vector.ToArray();
        float[] actual = (await withoutArena.GenerateAsync([s_longText]))[0].Vector.ToArray();

        Assert.Equal(expected.Length, actual.Length);
        Assert.True(TensorPrimitives.CosineSimilarity(expected, actual) > 0.999999f);
    }

    private static long Resident()
    {
        // Managed garbage is not what is measured: collect it first.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
