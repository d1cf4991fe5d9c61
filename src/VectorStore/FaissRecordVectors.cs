using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Gets the vectors a collection stores and searches with: read from native vector properties, or embedded with each
/// vector property's own generator (one call per property per upsert batch, EmbeddingGemma's document prompt and one
/// title per record; the query prompt for a search), except where a dynamic record gives an embedded property's vector
/// already computed. Failures use the abstraction's messages
/// (<see cref="VectorDataStrings"/>), so applications that match on them behave as with other connectors.
/// </summary>
internal sealed class FaissRecordVectors
{
    private readonly IReadOnlyList<FaissVectorSlot> _slots;
    private readonly PropertyModel? _titleProperty;
    private readonly Action<FaissVectorSlot, IEmbeddingGenerator> _checkGenerator;

    /// <param name="slots">The collection's vector properties.</param>
    /// <param name="titleProperty">The string data property sent as each document's title, if any.</param>
    /// <param name="checkGenerator">Checks a generator's identity against the one recorded for its property, before its first use.</param>
    internal FaissRecordVectors(IReadOnlyList<FaissVectorSlot> slots, PropertyModel? titleProperty, Action<FaissVectorSlot, IEmbeddingGenerator> checkGenerator)
    {
        _slots = slots;
        _titleProperty = titleProperty;
        _checkGenerator = checkGenerator;
    }

    /// <summary>Gets every record's vectors: one list per vector property, one vector per record.</summary>
    /// <exception cref="ArgumentException">A record has no vector or input to embed, or a vector has the wrong dimensions.</exception>
    /// <exception cref="InvalidOperationException">A generator returned the wrong number or type of embeddings.</exception>
    internal async Task<IReadOnlyList<IReadOnlyList<float[]>>> GetAsync<TRecord>(IReadOnlyList<TRecord> records, CancellationToken cancellationToken)
        where TRecord : class
    {
        var all = new IReadOnlyList<float[]>[_slots.Count];
        foreach (FaissVectorSlot slot in _slots)
        {
            all[slot.Ordinal] = await GetAsync(slot, records, cancellationToken).ConfigureAwait(false);
        }

        return all;
    }

    /// <summary>Gets the query vector for a search of one vector property.</summary>
    /// <exception cref="NotSupportedException">The input is no vector and the property has no embedding generator.</exception>
    /// <exception cref="InvalidOperationException">The property's generator can't embed this input type, or returned no <see cref="Embedding{T}"/> of float.</exception>
    /// <exception cref="ArgumentException">The vector has the wrong dimensions.</exception>
    internal async Task<float[]> GetQueryAsync<TInput>(TInput searchValue, FaissVectorSlot slot, CancellationToken cancellationToken)
        where TInput : notnull
    {
        VectorPropertyModel property = slot.Property;
        float[] query;
        switch (searchValue)
        {
            case ReadOnlyMemory<float> memory:
                query = memory.ToArray();
                break;
            case float[] array:
                query = (float[])array.Clone();
                break;
            case Embedding<float> embedding:
                query = embedding.Vector.ToArray();
                break;
            case BinaryEmbedding or System.Collections.BitArray when slot.Distance.Metric == FaissMetric.Hamming:
                query = FaissBinaryVectors.ToSigns(searchValue)!;
                break;
            case string text when property.EmbeddingGenerator is IEmbeddingGenerator<string, Embedding<float>> generator:
                _checkGenerator(slot, generator);
                var generationOptions = new EmbeddingGenerationOptions
                {
                    AdditionalProperties = new() { [FaissConstants.PromptNameProperty] = FaissConstants.QueryPrompt },
                };
                GeneratedEmbeddings<Embedding<float>> generated =
                    await generator.GenerateAsync([text], generationOptions, cancellationToken).ConfigureAwait(false);
                query = generated[0].Vector.ToArray();
                break;
            case var _ when property.EmbeddingGenerationDispatcher is not null && property.EmbeddingGenerator is { } generator:
                _checkGenerator(slot, generator);
                Embedding result = await property.GenerateEmbeddingAsync(searchValue, cancellationToken).ConfigureAwait(false);
                query = result is Embedding<float> floats ? floats.Vector.ToArray() : FaissBinaryVectors.ToSigns(result) ?? throw WrongEmbeddingType(result);
                break;
            default:
                throw property.EmbeddingGenerator is null
                    ? new NotSupportedException(VectorDataStrings.InvalidSearchInputAndNoEmbeddingGeneratorWasConfigured(searchValue.GetType(), FaissModelBuilder.SupportedVectorTypes))
                    : new InvalidOperationException(VectorDataStrings.IncompatibleEmbeddingGeneratorWasConfiguredForInputType(typeof(TInput), property.EmbeddingGenerator.GetType()));
        }

        CheckDimensions(slot, query, "search vector");
        return query;
    }

    private async Task<float[][]> GetAsync<TRecord>(FaissVectorSlot slot, IReadOnlyList<TRecord> records, CancellationToken cancellationToken)
        where TRecord : class
    {
        VectorPropertyModel property = slot.Property;
        var vectors = new float[records.Count][];
        if (FaissModelBuilder.IsNativeVectorType(property.Type) || FaissBinaryVectors.IsBinaryType(property.Type))
        {
            for (int i = 0; i < records.Count; i++)
            {
                vectors[i] = ReadVector(property.GetValueAsObject(records[i]))
                    ?? throw new ArgumentException($"Record {i} has no vector in '{property.ModelName}'.", nameof(records));
                CheckDimensions(slot, vectors[i], $"vector of record {i}");
            }

            return vectors;
        }

        // A dynamic record may carry the vector of an embedded property already computed (an image or a mixed input
        // embedded by the same model through another input type): it is stored as given, so records embedded from
        // different inputs share one property and one index, and only the other records go to the generator.
        var pending = new List<int>(records.Count);
        var inputs = new List<object>(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            object input = GivenOrInput(property, records[i])
                ?? throw new ArgumentException($"A record has no value in '{property.ModelName}' to embed.", nameof(records));
            if (ReadVector(input) is float[] given)
            {
                CheckDimensions(slot, given, $"vector given in record {i}");
                vectors[i] = given;
            }
            else
            {
                pending.Add(i);
                inputs.Add(input);
            }
        }

        // Given vectors count as the generator's: its identity is checked (or recorded) for them as for embedded ones.
        if (property.EmbeddingGenerator is { } configured)
        {
            _checkGenerator(slot, configured);
        }

        if (pending.Count == 0)
        {
            return vectors;
        }

        IReadOnlyList<Embedding> embeddings;
        if (property.EmbeddingGenerator is IEmbeddingGenerator<string, Embedding<float>> generator && inputs.All(v => v is string))
        {
            // One generator call per batch, with EmbeddingGemma's document prompt and one title per record.
            var titles = pending.Select(i => _titleProperty?.GetValueAsObject(records[i]) as string is { Length: > 0 } t ? t : FaissConstants.NoTitle).ToList();
            var generationOptions = new EmbeddingGenerationOptions
            {
                AdditionalProperties = new()
                {
                    [FaissConstants.PromptNameProperty] = FaissConstants.DocumentPrompt,
                    [FaissConstants.TitleProperty] = titles,
                },
            };
            embeddings = await generator.GenerateAsync(inputs.Cast<string>(), generationOptions, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            embeddings = await property.GenerateEmbeddingsAsync(inputs, cancellationToken).ConfigureAwait(false);
        }

        if (embeddings.Count != pending.Count)
        {
            throw new InvalidOperationException(
                $"The embedding generator of '{property.ModelName}' returned {embeddings.Count} embeddings for {pending.Count} inputs.");
        }

        for (int j = 0; j < pending.Count; j++)
        {
            int i = pending[j];
            vectors[i] = embeddings[j] is Embedding<float> e ? e.Vector.ToArray() : FaissBinaryVectors.ToSigns(embeddings[j]) ?? throw WrongEmbeddingType(embeddings[j]);
            CheckDimensions(slot, vectors[i], $"embedding of record {i}");
        }

        return vectors;
    }

    // The abstraction's dynamic accessor refuses a value not of the property's declared (input) type: read the entry itself.
    private static object? GivenOrInput(VectorPropertyModel property, object record)
        => record is Dictionary<string, object?> dynamic ? dynamic.GetValueOrDefault(property.ModelName) : property.GetValueAsObject(record);

    /// <summary>Reads a value that is a vector (float, or bits for a Hamming property); <see langword="null"/> for anything else.</summary>
    private static float[]? ReadVector(object? value) => value switch
    {
        ReadOnlyMemory<float> m => m.ToArray(),
        float[] a => a,
        Embedding<float> e => e.Vector.ToArray(),
        _ => FaissBinaryVectors.ToSigns(value),
    };

    private static InvalidOperationException WrongEmbeddingType(Embedding embedding)
        => new($"The embedding generator returned {embedding.GetType().Name}; the FAISS connector needs Embedding<float> (or BinaryEmbedding for a {Microsoft.Extensions.VectorData.DistanceFunction.HammingDistance} property).");

    private static void CheckDimensions(FaissVectorSlot slot, float[] vector, string what)
    {
        if (vector.Length != slot.Dimensions)
        {
            throw new ArgumentException(
                $"The {what} has {vector.Length} dimensions; vector property '{slot.Property.ModelName}' has {slot.Dimensions}.");
        }
    }
}
