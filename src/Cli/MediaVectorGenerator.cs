using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// The generator <c>index</c> gives its collection: texts go to the model as the store sends them (document prompt,
/// titles), and a media record, whose vector <see cref="IndexInput.CheckEmbeddableAsync"/> already computed (the
/// collection's vector input is text, which can't carry images or audio), is stood for by a key this run minted, which
/// returns that vector. Metadata (and so the model identity the store records) is the model's.
/// </summary>
internal sealed class MediaVectorGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    // A NUL and a fresh GUID: no text of the input can be mistaken for a key.
    private readonly string _prefix = "\0media:" + Guid.NewGuid().ToString("N") + ":";
    private readonly Dictionary<string, Embedding<float>> _vectors = new(StringComparer.Ordinal);

    public MediaVectorGenerator(IEmbeddingGenerator<string, Embedding<float>> model)
        : base(model)
    {
    }

    /// <summary>Registers a media line's vector and returns the key that stands for it as the record's vector input.</summary>
    public string Register(long line, Embedding<float> vector)
    {
        string key = _prefix + line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _vectors[key] = vector;
        return key;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">One call mixes media keys and texts (<c>index</c> upserts them in separate batches).</exception>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        string[] inputs = [.. values];
        int keys = inputs.Count(v => v.StartsWith(_prefix, StringComparison.Ordinal));
        if (keys == 0)
        {
            return await base.GenerateAsync(inputs, options, cancellationToken).ConfigureAwait(false);
        }

        return keys == inputs.Length
            ? [.. inputs.Select(v => _vectors[v])]
            : throw new InvalidOperationException("A batch mixes media records and text records; they are upserted separately.");
    }
}
