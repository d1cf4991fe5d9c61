using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SkEmbeddingGemma.Media;

/// <summary>
/// <c>onnx/vision_encoder.onnx</c>, opened on first use and shared by images and video frames:
/// (<c>pixel_values</c> [images, patches, patch width], <c>pixel_position_ids</c> [images, patches, 2]) ->
/// <c>image_features</c> [soft tokens, hidden]. Thread-safe.
/// </summary>
internal sealed class VisionEncoderSession : IDisposable
{
    public const string FileName = "vision_encoder.onnx";

    private readonly string _path;
    private readonly Func<SessionOptions> _sessionOptions;
    private readonly Lock _gate = new();
    private InferenceSession? _session;
    private bool _disposed;

    public VisionEncoderSession(string onnxDirectory, Func<SessionOptions> sessionOptions)
    {
        _path = Path.Combine(onnxDirectory, FileName);
        _sessionOptions = sessionOptions;
    }

    /// <summary>Gets whether the session has been opened (it is opened by the first image or video).</summary>
    public bool IsLoaded => Volatile.Read(ref _session) is not null;

    /// <summary>Runs the encoder over images of one patch count; returns their soft tokens, rows in image order.</summary>
    /// <exception cref="NotSupportedException">The folder has no vision encoder.</exception>
    /// <exception cref="InvalidDataException">The graph cannot be loaded or returns the wrong number of rows.</exception>
    public float[] Encode(IReadOnlyList<PreparedImage> images, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        InferenceSession session = Session();
        int patches = images[0].PatchCount, patchDim = images[0].Pixels.Length / patches;
        var pixels = new float[images.Count * patches * patchDim];
        var positions = new long[images.Count * patches * 2];
        int expectedRows = 0;
        for (int i = 0; i < images.Count; i++)
        {
            images[i].Pixels.CopyTo(pixels, i * patches * patchDim);
            images[i].Positions.CopyTo(positions, i * patches * 2);
            expectedRows += images[i].SoftTokens;
        }

        using OrtValue pixelValue = OrtValue.CreateTensorValueFromMemory(pixels, [images.Count, patches, patchDim]);
        using OrtValue positionValue = OrtValue.CreateTensorValueFromMemory(positions, [images.Count, patches, 2]);
        using var runOptions = new RunOptions();
        using CancellationTokenRegistration registration = cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions);
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = session.Run(runOptions, ["pixel_values", "pixel_position_ids"], [pixelValue, positionValue], ["image_features"]);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        using (outputs)
        {
            OrtValue output = outputs[0];
            long[] shape = output.GetTensorTypeAndShape().Shape;
            if (shape.Length != 2 || shape[0] != expectedRows)
            {
                throw new InvalidDataException(
                    $"'{_path}' returned image_features of shape [{string.Join(", ", shape)}] for {expectedRows} soft tokens.");
            }

            return output.GetTensorDataAsSpan<float>().ToArray();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _session?.Dispose();
            _session = null;
        }
    }

    private InferenceSession Session()
    {
        if (Volatile.Read(ref _session) is { } existing)
        {
            return existing;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_session is not null)
            {
                return _session;
            }

            if (!File.Exists(_path))
            {
                throw new NotSupportedException(
                    $"This model folder has no vision encoder ('{_path}'): it embeds text only. Images and video need EmbeddingGemma 2's onnx/{FileName}.");
            }

            using SessionOptions options = _sessionOptions();
            try
            {
                var session = new InferenceSession(_path, options);
                if (!session.InputMetadata.ContainsKey("pixel_values") || !session.InputMetadata.ContainsKey("pixel_position_ids")
                    || !session.OutputMetadata.ContainsKey("image_features")
                    || session.InputMetadata["pixel_values"].ElementDataType != TensorElementType.Float)
                {
                    session.Dispose();
                    throw new InvalidDataException(
                        $"'{_path}' is not an EmbeddingGemma 2 vision encoder: it needs float pixel_values and pixel_position_ids inputs and an image_features output.");
                }

                Volatile.Write(ref _session, session);
                return session;
            }
            catch (OnnxRuntimeException ex)
            {
                throw new InvalidDataException($"'{_path}' could not be loaded as an ONNX model: {ex.Message}", ex);
            }
        }
    }
}
