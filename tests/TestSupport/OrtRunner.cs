using Microsoft.ML.OnnxRuntime;

namespace SkEmbeddingGemma.TestSupport;

/// <summary>Runs a generated graph with ONNX Runtime and copies both outputs out.</summary>
public static class OrtRunner
{
    private static readonly string[] s_inputNames = ["input_ids", "attention_mask"];
    private static readonly string[] s_outputNames = ["last_hidden_state", "sentence_embedding"];

    public static InferenceSession Open(string modelPath)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2 };
        return new InferenceSession(modelPath, options);
    }

    public static (float[] Hidden, float[] Embedding) Run(InferenceSession session, long[] ids, long[] mask, int batchSize)
    {
        long[] shape = [batchSize, ids.Length / batchSize];
        using OrtValue idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using OrtValue maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, s_inputNames, [idsValue, maskValue], s_outputNames);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<float>().ToArray());
    }
}
