using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Batching;
using SkEmbeddingGemma.Input;
using SkEmbeddingGemma.Onnx;
using SkEmbeddingGemma.Prompts;

namespace SkEmbeddingGemma.Media;

/// <summary>
/// Multimodal inputs to embeddings, as transformers.js' <c>EmbeddingGemma2Processor</c> + <c>EmbeddingGemma2Model</c>
/// do it: check placeholder counts, prepare each item with its modality's <see cref="IMediaEncoder"/>, expand the
/// placeholders, tokenize (framed, never truncated: cutting would orphan soft tokens), run the encoders, and run the
/// text graph with their rows in the feature inputs. One input per text-graph run.
/// </summary>
internal sealed class MediaPipeline : IDisposable
{
    private static readonly MediaKind[] s_order = [MediaKind.Image, MediaKind.Video, MediaKind.Audio];

    private readonly InputEncoder _encoder;
    private readonly OnnxEmbeddingSession _session;
    private readonly MediaPlaceholders _placeholders;
    private readonly IReadOnlyDictionary<MediaKind, IMediaEncoder> _encoders;

    public MediaPipeline(InputEncoder encoder, OnnxEmbeddingSession session, MediaPlaceholders placeholders, IReadOnlyDictionary<MediaKind, IMediaEncoder> encoders)
    {
        _encoder = encoder;
        _session = session;
        _placeholders = placeholders;
        _encoders = encoders;
    }

    /// <summary>Gets the encoders by modality (for tests and services).</summary>
    public IReadOnlyDictionary<MediaKind, IMediaEncoder> Encoders => _encoders;

    /// <summary>Checks each input's shape (cheap, on the caller's thread): media present, placeholders matching the items.</summary>
    /// <exception cref="ArgumentNullException">An input or item is null.</exception>
    /// <exception cref="EmbeddingGemmaInputException">An input is empty, its placeholders and items do not match, or the model has no such modality.</exception>
    public void Validate(IReadOnlyList<EmbeddingGemmaMultimodalInput> inputs)
    {
        if (!_encoder.Configuration.IsMultimodal)
        {
            throw new NotSupportedException("This model embeds text only; media need a multimodal model such as EmbeddingGemma 2.");
        }

        for (int i = 0; i < inputs.Count; i++)
        {
            EmbeddingGemmaMultimodalInput input = inputs[i] ?? throw new ArgumentNullException("values", $"values[{i}] is null.");
            if (input.Text is null && Items(input, MediaKind.Image).Count + Items(input, MediaKind.Video).Count + Items(input, MediaKind.Audio).Count == 0)
            {
                throw new EmbeddingGemmaInputException(i, "holds neither text nor media.");
            }

            foreach (MediaKind kind in s_order)
            {
                IReadOnlyList<IReadOnlyList<DataContent>> items = Items(input, kind);
                if (items.Any(item => item is null || item.Any(part => part is null)))
                {
                    throw new EmbeddingGemmaInputException(i, $"has a null {Noun(kind)} entry.");
                }

                string? placeholder = _placeholders.Placeholder(kind);
                int placeholders = input.Text is null ? items.Count : _placeholders.Count(input.Text, kind);
                if (placeholders != items.Count)
                {
                    throw new EmbeddingGemmaInputException(
                        i, $"has {placeholders} {placeholder ?? Noun(kind)} placeholder(s) in its text but {items.Count} {Noun(kind)}(s); give one {Noun(kind)} per placeholder, in order.");
                }

                if (items.Count > 0 && (placeholder is null || !_encoders.ContainsKey(kind)))
                {
                    throw new EmbeddingGemmaInputException(i, $"holds {Noun(kind)}, which this model or library version cannot embed.");
                }
            }
        }
    }

    /// <summary>Embeds validated inputs; returns each input's <c>sentence_embedding</c> and token count.</summary>
    /// <exception cref="EmbeddingGemmaInputException">An item cannot be decoded or the expanded input is longer than the token limit.</exception>
    public (float[] Vector, int Tokens)[] Embed(
        IReadOnlyList<EmbeddingGemmaMultimodalInput> inputs, PromptSelection? prompts, int width, CancellationToken cancellationToken)
    {
        var results = new (float[], int)[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results[i] = EmbedOne(inputs[i], i, prompts, width, cancellationToken);
        }

        return results;
    }

    public void Dispose()
    {
        foreach (IMediaEncoder encoder in _encoders.Values)
        {
            encoder.Dispose();
        }
    }

    /// <summary>Prepares one input's media and its token ids after placeholder expansion (what transformers.js' processor returns).</summary>
    /// <exception cref="EmbeddingGemmaInputException">An item cannot be decoded or the expanded input is longer than the token limit.</exception>
    public (int[] Ids, Dictionary<MediaKind, List<IPreparedMedia>> Media) Prepare(EmbeddingGemmaMultimodalInput input, int index, PromptSelection? prompts)
    {
        var prepared = new Dictionary<MediaKind, List<IPreparedMedia>>();
        foreach (MediaKind kind in s_order)
        {
            IReadOnlyList<IReadOnlyList<DataContent>> items = Items(input, kind);
            if (items.Count == 0)
            {
                continue;
            }

            var list = new List<IPreparedMedia>(items.Count);
            for (int j = 0; j < items.Count; j++)
            {
                string describe = items[j].Count == 1 && kind != MediaKind.Video
                    ? MediaDescription.Name($"{Noun(kind)} {j}", items[j][0])
                    : $"{Noun(kind)} {j}";
                try
                {
                    list.Add(_encoders[kind].Prepare(items[j], describe));
                }
                catch (InvalidDataException ex)
                {
                    throw new EmbeddingGemmaInputException(index, ex.Message, ex);
                }
            }

            prepared[kind] = list;
        }

        // Without text, the sample is its placeholders joined by spaces (images, videos, audio), with no prompt.
        string text = input.Text is { } t
            ? string.Concat(prompts?.PromptFor(index) ?? string.Empty, t)
            : string.Join(' ', s_order.SelectMany(kind => Enumerable.Repeat(_placeholders.Placeholder(kind) ?? string.Empty, Items(input, kind).Count)));
        foreach ((MediaKind kind, List<IPreparedMedia> items) in prepared)
        {
            text = _placeholders.Expand(text, kind, [.. items.Select(item => _placeholders.Expansion(kind, item))]);
        }

        int[] ids = _encoder.Tokenizer.EncodeFramed(text, _encoder.MaxTokens, out int fullCount);
        if (fullCount > ids.Length)
        {
            throw new EmbeddingGemmaInputException(
                index, $"has {fullCount} tokens with its media's soft tokens, more than this model's limit of {_encoder.MaxTokens}; use fewer or smaller media, or shorter text.");
        }

        return (ids, prepared);
    }

    private (float[] Vector, int Tokens) EmbedOne(
        EmbeddingGemmaMultimodalInput input, int index, PromptSelection? prompts, int width, CancellationToken cancellationToken)
    {
        (int[] ids, Dictionary<MediaKind, List<IPreparedMedia>> prepared) = Prepare(input, index, prompts);
        var features = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach ((MediaKind kind, List<IPreparedMedia> items) in prepared)
        {
            IMediaEncoder encoder = _encoders[kind];
            features[encoder.FeatureInputName] = encoder.Encode(items, cancellationToken);
        }

        using TokenBatch batch = TokenBatch.Create([new TokenizedInput(index, ids, false)], _encoder.Tokenizer.PaddingId);
        var output = new float[width];
        int written = _session.Run(batch, output, features, cancellationToken);
        return (output.AsSpan(0, written).ToArray(), ids.Length);
    }

    private static IReadOnlyList<IReadOnlyList<DataContent>> Items(EmbeddingGemmaMultimodalInput input, MediaKind kind) => kind switch
    {
        MediaKind.Image => [.. (input.Images ?? []).Select(d => (IReadOnlyList<DataContent>)[d])],
        MediaKind.Video => input.Videos ?? [],
        _ => [.. (input.Audio ?? []).Select(d => (IReadOnlyList<DataContent>)[d])],
    };

    private static string Noun(MediaKind kind) => kind switch
    {
        MediaKind.Image => "image",
        MediaKind.Video => "video",
        _ => "audio clip",
    };
}
