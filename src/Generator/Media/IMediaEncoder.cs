using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Media;

/// <summary>
/// The seam each modality plugs into: decode and preprocess an item as transformers.js' processor does, then run the
/// modality's encoder graph to the rows of the text graph's feature input (<see cref="FeatureInputName"/>), in
/// placeholder order. Implementations are thread-safe and load their ONNX session on first use.
/// </summary>
internal interface IMediaEncoder : IDisposable
{
    /// <summary>Gets the modality.</summary>
    MediaKind Kind { get; }

    /// <summary>Gets the text graph input the features go to (<c>image_features</c>, ...).</summary>
    string FeatureInputName { get; }

    /// <summary>Decodes and preprocesses one item: an image or audio clip (one part) or a video (its frames).</summary>
    /// <param name="parts">The item's encoded data.</param>
    /// <param name="describe">Names the item in messages.</param>
    /// <exception cref="InvalidDataException">The media cannot be decoded or is out of bounds; the message starts with <paramref name="describe"/>.</exception>
    IPreparedMedia Prepare(IReadOnlyList<DataContent> parts, string describe);

    /// <summary>Runs the encoder; returns Σ soft tokens × blocks rows of the text hidden width, row-major.</summary>
    /// <exception cref="NotSupportedException">The model folder has no encoder graph for this modality.</exception>
    float[] Encode(IReadOnlyList<IPreparedMedia> items, CancellationToken cancellationToken);
}
