using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkEmbeddingGemma.Batching;

namespace SkEmbeddingGemma.Onnx;

/// <summary>
/// One ONNX Runtime session over an EmbeddingGemma graph. <c>Run</c> is thread-safe: ONNX Runtime sessions
/// serve concurrent runs, and every run has its own buffers and <see cref="RunOptions"/>.
/// </summary>
/// <remarks>
/// ONNX Runtime's CPU arena keeps what a run grew it to. For the short rows most calls have that is what makes the next
/// run fast, but a row longer than <see cref="ArenaReleaseFrom"/> tokens grows it by its attention score matrices
/// (length² per head, gigabytes at 8,192 tokens), which a long-running process would then hold forever. So such a run
/// asks ONNX Runtime to hand the arena's unused regions back when it ends: the peak stays, the resident set returns.
/// </remarks>
internal sealed class OnnxEmbeddingSession : IDisposable
{
    /// <summary>The row length from which a run releases the arena memory it grew (EmbeddingGemma 300m's whole context stays below).</summary>
    public const int ArenaReleaseFrom = BatchPlanner.QuadraticFrom + 1;

    private const string ArenaShrinkageKey = "memory.enable_memory_arena_shrinkage";

    private static readonly string[] s_outputNames = [GraphContract.SentenceEmbedding];
    private static readonly string[] s_tokenOutputNames = [GraphContract.LastHiddenState];

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;

    // Shrinking names the CPU arena; without one (a SessionOptionsFactory that turned it off) ONNX Runtime fails the run.
    private readonly bool _cpuArena;

    private OnnxEmbeddingSession(InferenceSession session, string modelPath, int? featureWidth, bool cpuArena)
    {
        _session = session;
        _cpuArena = cpuArena;
        ModelPath = modelPath;
        Contract = GraphContract.Read(session, modelPath, featureWidth);
        _inputNames = [GraphContract.InputIds, GraphContract.AttentionMask, .. Contract.ExtraInputs.Select(e => e.Name)];
    }

    /// <summary>Gets the graph file.</summary>
    public string ModelPath { get; }

    /// <summary>Gets the graph's inputs and output.</summary>
    public GraphContract Contract { get; }

    /// <summary>Gets the underlying session.</summary>
    public InferenceSession Session => _session;

    /// <summary>Opens and validates a graph.</summary>
    /// <param name="modelPath">The graph file.</param>
    /// <param name="options">The session options.</param>
    /// <param name="featureWidth">The text model's hidden size, for media feature inputs of symbolic width; null when unknown.</param>
    /// <exception cref="InvalidDataException">The file is not a loadable ONNX graph, or not an EmbeddingGemma export.</exception>
    /// <exception cref="NotSupportedException">The graph is float16.</exception>
    public static OnnxEmbeddingSession Open(string modelPath, SessionOptions options, int? featureWidth = null)
    {
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException ex)
        {
            string dataFile = Path.ChangeExtension(modelPath, ".onnx_data");
            string hint = File.Exists(dataFile) ? string.Empty
                : $" If the graph keeps its weights in external data, '{Path.GetFileName(dataFile)}' must sit beside it.";
            throw new InvalidDataException($"'{modelPath}' could not be loaded as an ONNX model: {ex.Message}{hint}", ex);
        }

        try
        {
            return new OnnxEmbeddingSession(session, modelPath, featureWidth, options.EnableCpuMemArena);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs one padded batch and copies <c>sentence_embedding</c> ([rows, width], row-major) into
    /// <paramref name="destination"/>; returns the width.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled before or during the run.</exception>
    public int Run(TokenBatch batch, Span<float> destination, CancellationToken cancellationToken) =>
        Run(batch, destination, null, cancellationToken);

    /// <summary>
    /// Runs one padded batch with media features: <paramref name="features"/> maps a feature input
    /// (<c>image_features</c>, ...) to its rows, row-major at the input's width; inputs it does not name get no rows.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled before or during the run.</exception>
    /// <exception cref="ArgumentException">A named input is not a media feature input of this graph.</exception>
    public int Run(TokenBatch batch, Span<float> destination, IReadOnlyDictionary<string, float[]>? features, CancellationToken cancellationToken)
    {
        if (features is not null)
        {
            foreach (string name in features.Keys)
            {
                if (!Contract.ExtraInputs.Any(e => e.Name == name && e.Kind == ExtraInputKind.EmptyFeatures))
                {
                    throw new ArgumentException($"'{ModelPath}' has no media feature input '{name}'.", nameof(features));
                }
            }
        }

        using IDisposableReadOnlyCollection<OrtValue> outputs = RunGraph(batch, features, s_outputNames, cancellationToken);
        ReadOnlySpan<float> values = outputs.First().GetTensorDataAsSpan<float>();
        int width = values.Length / batch.Rows;
        values.CopyTo(destination);
        return width;
    }

    /// <summary>
    /// Runs one padded batch and returns <c>last_hidden_state</c>, the per-token output the graph pools into
    /// <c>sentence_embedding</c>: [rows, columns, width] row-major (padding positions included), and its width.
    /// </summary>
    /// <exception cref="NotSupportedException">The graph has no <c>last_hidden_state</c> output.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before or during the run.</exception>
    public (float[] Values, int Width) RunTokenEmbeddings(TokenBatch batch, CancellationToken cancellationToken)
    {
        if (Contract.TokenEmbeddingWidth is null)
        {
            throw new NotSupportedException(
                $"'{ModelPath}' has no '{GraphContract.LastHiddenState}' output (float32 [batch, sequence, width]), so it gives no token embeddings; " +
                "onnx-community's EmbeddingGemma exports have it.");
        }

        using IDisposableReadOnlyCollection<OrtValue> outputs = RunGraph(batch, null, s_tokenOutputNames, cancellationToken);
        OrtValue output = outputs.First();
        long[] shape = output.GetTensorTypeAndShape().Shape;
        return (output.GetTensorDataAsSpan<float>().ToArray(), checked((int)shape[^1]));
    }

    // Feeds the batch (and media features) and runs the named outputs; the caller disposes what it returns.
    private IDisposableReadOnlyCollection<OrtValue> RunGraph(
        TokenBatch batch, IReadOnlyDictionary<string, float[]>? features, string[] outputNames, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        long[] shape = [batch.Rows, batch.Columns];
        int cells = batch.Rows * batch.Columns;
        var inputs = new List<OrtValue>(_inputNames.Length);
        var rented = new List<long[]>();
        try
        {
            inputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.InputIds.AsMemory(0, cells), shape));
            inputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.AttentionMask.AsMemory(0, cells), shape));
            foreach (ExtraInput extra in Contract.ExtraInputs)
            {
                inputs.Add(extra.Kind switch
                {
                    ExtraInputKind.EmptyFeatures when features is not null && features.TryGetValue(extra.Name, out float[]? rows) =>
                        OrtValue.CreateTensorValueFromMemory(rows, [rows.Length / extra.EmptyShape[^1], extra.EmptyShape[^1]]),
                    ExtraInputKind.EmptyFeatures => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, extra.EmptyShape),
                    _ => OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Rent(rented, extra.Kind, batch).AsMemory(0, cells), shape),
                });
            }

            using var runOptions = new RunOptions();
            if (_cpuArena && batch.Columns >= ArenaReleaseFrom)
            {
                runOptions.AddRunConfigEntry(ArenaShrinkageKey, "cpu:0");
            }

            using CancellationTokenRegistration registration = cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions);
            try
            {
                return _session.Run(runOptions, _inputNames, inputs, outputNames);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
        finally
        {
            foreach (OrtValue input in inputs)
            {
                input.Dispose();
            }

            foreach (long[] buffer in rented)
            {
                ArrayPool<long>.Shared.Return(buffer);
            }
        }
    }

    private static long[] Rent(List<long[]> rented, ExtraInputKind kind, TokenBatch batch)
    {
        // Each extra int64 input gets its own array: inputs stay pinned until the run ends.
        long[] buffer = ArrayPool<long>.Shared.Rent(batch.Rows * batch.Columns);
        rented.Add(buffer);
        for (int row = 0; row < batch.Rows; row++)
        {
            Span<long> cells = buffer.AsSpan(row * batch.Columns, batch.Columns);
            for (int column = 0; column < cells.Length; column++)
            {
                cells[column] = kind == ExtraInputKind.Positions ? column : 0;
            }
        }

        return buffer;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
