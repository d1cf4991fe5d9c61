using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Tests.MicroBatching;

/// <summary>A hand-written fake: embeds a text as [length, first char], records each call, can fail on a marker text.</summary>
internal sealed class RecordingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private int _calls;

    public int Calls => _calls;

    public List<string[]> Batches { get; } = [];

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        string[] inputs = values.ToArray();
        Interlocked.Increment(ref _calls);
        lock (Batches)
        {
            Batches.Add(inputs);
        }

        await Task.Delay(20, cancellationToken);
        if (inputs.Contains("bad"))
        {
            throw new ArgumentException("bad input", nameof(values));
        }

        string prompt = options?.AdditionalProperties?.TryGetValue("prompt_name", out object? p) == true ? (string)p! : "";
        return new GeneratedEmbeddings<Embedding<float>>(inputs.Select(t => new Embedding<float>(new float[] { t.Length, t.Length > 0 ? t[0] : 0, prompt.Length })
        {
            AdditionalProperties = new() { ["input_token_count"] = t.Length + 2 },
        }))
        { Usage = new UsageDetails { InputTokenCount = inputs.Sum(t => t.Length + 2) } };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
