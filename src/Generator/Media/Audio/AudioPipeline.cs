using Microsoft.ML.OnnxRuntime;

namespace SkEmbeddingGemma.Media.Audio;

/// <summary>
/// WAV bytes to audio soft tokens: decode to 16 kHz mono (<see cref="WavDecoder"/>), log-mel features
/// (<see cref="LogMelExtractor"/>), then the audio encoder (<see cref="AudioEncoderSession"/>, opened on first use).
/// In the text, each clip becomes <c>&lt;|audio&gt;</c> + <c>&lt;|audio|&gt;</c> × <see cref="EncodedAudio.SoftTokens"/> +
/// <c>&lt;audio|&gt;</c>, and its features fill the <c>audio_features</c> rows of those placeholders, in order.
/// Thread-safe.
/// </summary>
internal sealed class AudioPipeline : IDisposable
{
    private readonly AudioEncoderSession _encoder;
    private readonly AudioDecodingLimits _limits;

    /// <param name="onnxDirectory">The folder of the model's graphs (<c>onnx/</c>), holding <c>audio_encoder.onnx</c>.</param>
    /// <param name="limits">Bounds on accepted WAV files; <see langword="null"/> for <see cref="AudioDecodingLimits.Default"/>.</param>
    /// <param name="sessionOptions">Makes the encoder session's options; <see langword="null"/> for defaults.</param>
    public AudioPipeline(string onnxDirectory, AudioDecodingLimits? limits = null, Func<SessionOptions>? sessionOptions = null)
    {
        _encoder = new AudioEncoderSession(onnxDirectory, sessionOptions);
        _limits = limits ?? AudioDecodingLimits.Default;
    }

    /// <summary>Gets whether the audio encoder graph has been opened.</summary>
    public bool IsEncoderLoaded => _encoder.IsLoaded;

    /// <summary>Decodes a WAV stream and computes its features.</summary>
    /// <exception cref="EmbeddingGemmaAudioException">The stream is not a supported WAV file, breaks a limit, or is
    /// too short for one soft token.</exception>
    public AudioFeatures Featurize(Stream wav, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wav);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        MonoAudio audio = WavDecoder.Decode(wav, name, LogMelSettings.MaxSamples, _limits, cancellationToken);
        AudioFeatures features = LogMelExtractor.Extract(audio);
        if (features.SoftTokens == 0)
        {
            throw new EmbeddingGemmaAudioException(name, "is too short: one audio token needs more than 10 ms (160 samples at 16 kHz).");
        }

        return features;
    }

    /// <summary>Encodes clips in one encoder run and splits the soft tokens per clip.</summary>
    /// <exception cref="NotSupportedException">The model folder has no audio encoder.</exception>
    public IReadOnlyList<EncodedAudio> Encode(IReadOnlyList<AudioFeatures> clips)
    {
        float[] all = _encoder.Encode(clips, out int width);
        var result = new EncodedAudio[clips.Count];
        int row = 0;
        for (int i = 0; i < clips.Count; i++)
        {
            int n = clips[i].SoftTokens;
            result[i] = new EncodedAudio(all.AsSpan(row * width, n * width).ToArray(), n, width);
            row += n;
        }

        return result;
    }

    /// <summary>Decodes, featurizes and encodes one WAV stream.</summary>
    /// <exception cref="EmbeddingGemmaAudioException">The stream is not a usable WAV file.</exception>
    /// <exception cref="NotSupportedException">The model folder has no audio encoder.</exception>
    public EncodedAudio Encode(Stream wav, string name, CancellationToken cancellationToken = default) =>
        Encode([Featurize(wav, name, cancellationToken)])[0];

    public void Dispose() => _encoder.Dispose();
}
