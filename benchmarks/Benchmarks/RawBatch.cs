using Microsoft.ML.OnnxRuntime;

namespace SkEmbeddingGemma.Benchmarks;

/// <summary>A pre-built padded batch for the raw ONNX Runtime ceiling: inputs made once, only Run is timed.</summary>
internal sealed class RawBatch : IDisposable
{
    private static readonly string[] s_inputNames = ["input_ids", "attention_mask"];
    private static readonly string[] s_outputNames = ["sentence_embedding"];
    private readonly OrtValue[] _inputs;

    private RawBatch(OrtValue[] inputs) => _inputs = inputs;

    public static RawBatch Create(int[][] rows)
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
        return new RawBatch([OrtValue.CreateTensorValueFromMemory(ids, shape), OrtValue.CreateTensorValueFromMemory(mask, shape)]);
    }

    public void Run(InferenceSession session)
    {
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, s_inputNames, _inputs, s_outputNames);
    }

    public void Dispose()
    {
        foreach (OrtValue input in _inputs)
        {
            input.Dispose();
        }
    }
}
