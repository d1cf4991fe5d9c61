using System.Numerics.Tensors;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using SkEmbeddingGemma.ModelFactory;
using SkEmbeddingGemma.TestSupport;
using DataType = SkEmbeddingGemma.Quantization.Onnx.TensorProto.Types.DataType;

namespace SkEmbeddingGemma.Quantization.Tests;

/// <summary>
/// The 4-bit MatMulNBits packing checked against an independent dequantization: one MatMul, K spanning three blocks
/// and a partial fourth, run by ONNX Runtime and compared with A × dequantized W computed here.
/// </summary>
public sealed class FourBitLayoutTests
{
    private const int K = 100, N = 40, M = 3, Block = 32;

    [Fact]
    public void MatMulNBits_output_equals_the_product_with_the_dequantized_weights()
    {
        var random = new Random(11);
        float[] weights = [.. Enumerable.Range(0, K * N).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.05f)];
        float[] activations = [.. Enumerable.Range(0, M * K).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        using var folder = new TempFolder();
        string floatPath = Path.Combine(folder.Path, "matmul.onnx"), fourBitPath = Path.Combine(folder.Path, "matmul_q4.onnx");
        var graph = new OnnxGraphBuilder("matmul").AddInput("a", DataType.Float, "m", K).AddOutput("y", DataType.Float, "m", N);
        string w = graph.ConstFloats("w", weights, K, N);
        graph.NodeNamed("MatMul", ["a", w], ["y"], []);
        File.WriteAllBytes(floatPath, graph.Build(8, 17, "test", "1").ToByteArray());

        QuantizationSummary summary = OnnxDynamicQuantizer.Quantize(floatPath, fourBitPath, new OnnxDynamicQuantizerOptions { Format = QuantizedMatMulFormat.MatMulNBits4 });

        Assert.Equal(1, summary.QuantizedMatMuls);
        float[] expected = Multiply(activations, Dequantize(weights));
        float[] exact = Multiply(activations, weights);
        float[] actual = Run(fourBitPath, activations);
        for (int row = 0; row < M; row++)
        {
            Span<float> a = actual.AsSpan(row * N, N);
            // int8 activations (accuracy level 4) cost a little; a wrong nibble order, block or column layout costs everything.
            Assert.InRange(TensorPrimitives.CosineSimilarity(a, expected.AsSpan(row * N, N)), 0.999f, 1.0001f);
            Assert.InRange(TensorPrimitives.CosineSimilarity(a, exact.AsSpan(row * N, N)), 0.95f, 1.0001f);
        }
    }

    // Symmetric per (column, block of 32 along K): scale = max|w| / 7, values rounded to [-7, 7].
    private static float[] Dequantize(float[] weights)
    {
        var result = new float[weights.Length];
        for (int n = 0; n < N; n++)
        {
            for (int first = 0; first < K; first += Block)
            {
                int last = Math.Min(K, first + Block);
                float max = 0;
                for (int k = first; k < last; k++)
                {
                    max = MathF.Max(max, MathF.Abs(weights[k * N + n]));
                }

                float scale = max / 7f;
                for (int k = first; k < last; k++)
                {
                    result[k * N + n] = Math.Clamp(MathF.Round(weights[k * N + n] / scale), -7f, 7f) * scale;
                }
            }
        }

        return result;
    }

    private static float[] Multiply(float[] a, float[] b)
    {
        var c = new float[M * N];
        for (int m = 0; m < M; m++)
        {
            for (int n = 0; n < N; n++)
            {
                double sum = 0;
                for (int k = 0; k < K; k++)
                {
                    sum += (double)a[m * K + k] * b[k * N + n];
                }

                c[m * N + n] = (float)sum;
            }
        }

        return c;
    }

    private static float[] Run(string modelPath, float[] activations)
    {
        using var session = new InferenceSession(modelPath);
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(activations, [M, K]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, ["a"], [input], ["y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
