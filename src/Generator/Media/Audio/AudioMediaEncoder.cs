using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;

namespace SkEmbeddingGemma.Media.Audio;

/// <summary>
/// Audio in the media seam: a WAV clip (<c>audio/wav</c> or any <c>audio/*</c> whose bytes are a WAV file) is decoded
/// and featurized by <see cref="AudioPipeline"/>, its <c>&lt;|audio|&gt;</c> placeholder becomes its soft tokens, and
/// the clips of an input go through the audio encoder in one run, padded to the longest, as transformers.js's
/// <c>EmbeddingGemma2Processor._process_audio</c> batches them, into the text graph's <c>audio_features</c>.
/// </summary>
internal sealed class AudioMediaEncoder : IMediaEncoder
{
    private readonly AudioPipeline _pipeline;

    /// <param name="onnxDirectory">The folder of the model's graphs, holding <c>audio_encoder.onnx</c> (opened on first use).</param>
    /// <param name="sessionOptions">Makes the encoder session's options.</param>
    /// <param name="limits">Bounds on accepted WAV files; <see langword="null"/> for <see cref="AudioDecodingLimits.Default"/>.</param>
    public AudioMediaEncoder(string onnxDirectory, Func<SessionOptions> sessionOptions, AudioDecodingLimits? limits = null) =>
        _pipeline = new AudioPipeline(onnxDirectory, limits, sessionOptions);

    public MediaKind Kind => MediaKind.Audio;

    public string FeatureInputName => "audio_features";

    public IPreparedMedia Prepare(IReadOnlyList<DataContent> parts, string describe)
    {
        if (parts.Count != 1)
        {
            throw new InvalidDataException($"{describe} has {parts.Count} parts; an audio clip is one WAV file.");
        }

        try
        {
            ReadOnlyMemory<byte> data = parts[0].Data;
            using MemoryStream stream = MemoryMarshal.TryGetArray(data, out ArraySegment<byte> segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(data.ToArray(), writable: false);
            return new PreparedAudio(_pipeline.Featurize(stream, describe));
        }
        catch (EmbeddingGemmaAudioException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }
    }

    public float[] Encode(IReadOnlyList<IPreparedMedia> items, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return [.. _pipeline.Encode([.. items.Cast<PreparedAudio>().Select(p => p.Features)]).SelectMany(e => e.Features)];
    }

    public void Dispose() => _pipeline.Dispose();
}
