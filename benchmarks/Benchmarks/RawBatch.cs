using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkEmbeddingGemma.Model;
using SkEmbeddingGemma.Onnx;

namespace SkEmbeddingGemma.Benchmarks;

/// <summary>
/// A pre-built padded batch for the raw ONNX Runtime ceiling: inputs made once, only Run is timed. Graphs with media
/// feature inputs (EmbeddingGemma 2) get the empty features the generator passes, as its own contract reader describes them.
/// </summary>
internal sealed class RawBatch : IDisposable
{
    private static readonly string[] s_outputNames = ["sentence_embedding"];
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputs;

    private RawBatch(string[] inputNames, OrtValue[] inputs) => (_inputNames, _inputs) = (inputNames, inputs);

    /// <summary>Reads the graph's inputs besides the ids and mask (the text model's hidden size from the folder's config).</summary>
    public static IReadOnlyList<ExtraInput> ExtraInputs(InferenceSession session, string model) =>
        GraphContract.Read(session, model, ModelConfiguration.Load(model).HiddenSize).ExtraInputs;

    public static RawBatch Create(int[][] rows, IReadOnlyList<ExtraInput>? extras = null)
    {
        int columns = rows.Max(r => r.Length);
        long[] ids = new long[rows.Length * columns];
        long[] mask = new long[rows.Length * columns];
        for (int r = 0; r < rows.Length; r++)
        {
            for (int c = 0; c < rows[r].Length; c++)
            {
                ids[r * columns + c] = rows[r][c];
                mask[r * columns + c] = 1;
            }
        }

        long[] shape = [rows.Length, columns];
        extras ??= [];
        if (extras.FirstOrDefault(e => e.Kind != ExtraInputKind.EmptyFeatures) is ExtraInput other)
        {
            throw new NotSupportedException($"The raw ceiling fills only empty media features, not '{other.Name}'.");
        }

        return new RawBatch(
            [GraphContract.InputIds, GraphContract.AttentionMask, .. extras.Select(e => e.Name)],
            [OrtValue.CreateTensorValueFromMemory(ids, shape), OrtValue.CreateTensorValueFromMemory(mask, shape),
                .. extras.Select(e => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, e.EmptyShape))]);
    }

    public void Run(InferenceSession session)
    {
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, _inputNames, _inputs, s_outputNames);
    }

    public void Dispose()
    {
        foreach (OrtValue input in _inputs)
        {
            input.Dispose();
        }
    }
}
