using Microsoft.ML.OnnxRuntime;

namespace SkEmbeddingGemma.Media.Audio;

/// <summary>
/// The audio encoder graph (<c>onnx/audio_encoder.onnx</c>), opened on first use: clips padded to the longest one go
/// in as <c>input_features</c> <c>[clips, frames, 128]</c> and <c>input_features_mask</c> <c>[clips, frames]</c>, as
/// transformers.js's <c>EmbeddingGemma2Processor._process_audio</c> batches them, and <c>audio_features</c>
/// <c>[soft tokens, 512]</c> comes out, clip after clip. Thread-safe: the session serves concurrent runs.
/// </summary>
internal sealed class AudioEncoderSession : IDisposable
{
    public const string FileName = "audio_encoder.onnx";
    public const string FeaturesInput = "input_features";
    public const string MaskInput = "input_features_mask";
    public const string FeaturesOutput = "audio_features";

    private readonly Lazy<InferenceSession> _session;
    private readonly string _path;

    /// <param name="onnxDirectory">The folder of the model's graphs (<c>onnx/</c>); the encoder is <c>audio_encoder.onnx</c> in it.</param>
    /// <param name="sessionOptions">Makes the session's options when it is opened; <see langword="null"/> for defaults.</param>
    public AudioEncoderSession(string onnxDirectory, Func<SessionOptions>? sessionOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxDirectory);
        _path = Path.Combine(onnxDirectory, FileName);
        _session = new Lazy<InferenceSession>(() => Open(_path, sessionOptions), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Gets whether the graph has been opened (it is only when audio is encoded).</summary>
    public bool IsLoaded => _session.IsValueCreated;

    /// <summary>Encodes clips and returns their soft tokens' features, row-major <c>[Σ soft tokens, width]</c>.</summary>
    /// <exception cref="NotSupportedException">The folder has no audio encoder graph.</exception>
    /// <exception cref="InvalidOperationException">The graph returned another number of rows than the clips' soft tokens.</exception>
    public float[] Encode(IReadOnlyList<AudioFeatures> clips, out int width)
    {
        ArgumentNullException.ThrowIfNull(clips);
        if (clips.Count == 0)
        {
            throw new ArgumentException("At least one clip is needed.", nameof(clips));
        }

        int frames = clips.Max(c => c.Frames);
        int bins = LogMelSettings.MelBins;
        var values = new float[clips.Count * frames * bins];
        var mask = new bool[clips.Count * frames];
        for (int i = 0; i < clips.Count; i++)
        {
            clips[i].Values.CopyTo(values, i * frames * bins);
            clips[i].Mask.CopyTo(mask, i * frames);
        }

        InferenceSession session = _session.Value;
        using var features = OrtValue.CreateTensorValueFromMemory(values, [clips.Count, frames, bins]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(), [clips.Count, frames]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(
            runOptions, [FeaturesInput, MaskInput], [features, maskValue], [FeaturesOutput]);
        OrtValue output = outputs[0];
        long[] shape = output.GetTensorTypeAndShape().Shape;
        int expected = clips.Sum(c => c.SoftTokens);
        if (shape.Length != 2 || shape[0] != expected)
        {
            throw new InvalidOperationException(
                $"'{_path}' returned {FeaturesOutput} of shape [{string.Join(", ", shape)}] for {expected} audio soft tokens; expected [{expected}, width].");
        }

        width = (int)shape[1];
        return output.GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        if (_session.IsValueCreated)
        {
            _session.Value.Dispose();
        }
    }

    private static InferenceSession Open(string path, Func<SessionOptions>? sessionOptions)
    {
        if (!File.Exists(path))
        {
            throw new NotSupportedException(
                $"The model folder has no audio encoder '{path}'; audio needs an EmbeddingGemma 2 folder with onnx/{FileName}.");
        }

        if (sessionOptions is null)
        {
            using var defaults = new SessionOptions();
            return new InferenceSession(path, defaults);
        }

        return new InferenceSession(path, sessionOptions());
    }
}
