using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>
/// A hand-written generator that embeds text deterministically (a bag of character trigrams hashed into the
/// dimensions, normalized) and records every call's inputs and options.
/// </summary>
public sealed class FakeEmbeddingGenerator(int dimensions) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Lock _lock = new();

    public List<(List<string> Inputs, EmbeddingGenerationOptions? Options)> Calls { get; } = [];

    public static float[] Embed(string text, int dimensions)
    {
        var v = new float[dimensions];
        string padded = "  " + text.ToLowerInvariant() + "  ";
        for (int i = 0; i + 3 <= padded.Length; i++)
        {
            int h = StringComparer.Ordinal.GetHashCode(padded.Substring(i, 3)) & 0x7fffffff;
            v[h % dimensions] += 1;
        }

        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return norm == 0 ? v : v.Select(x => x / norm).ToArray();
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var inputs = values.ToList();
        lock (_lock)
        {
            Calls.Add((inputs, options));
        }

        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(inputs.Select(t => new Embedding<float>(Embed(t, dimensions)))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
