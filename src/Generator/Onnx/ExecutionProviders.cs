using Microsoft.ML.OnnxRuntime;

namespace SkEmbeddingGemma.Onnx;

/// <summary>Appends the chosen execution provider to session options, after checking this ONNX Runtime build has it.</summary>
internal static class ExecutionProviders
{
    /// <summary>Adds <paramref name="provider"/> to <paramref name="options"/>; the CPU needs nothing.</summary>
    /// <exception cref="NotSupportedException">This ONNX Runtime build lacks the provider; the message names the package that has it.</exception>
    public static void Append(SessionOptions options, EmbeddingGemmaExecutionProvider provider, int deviceId)
    {
        if (provider == EmbeddingGemmaExecutionProvider.Cpu)
        {
            return;
        }

        (string ortName, string package) = Describe(provider);
        string[] available = OrtEnv.Instance().GetAvailableProviders();
        if (!available.Contains(ortName, StringComparer.Ordinal))
        {
            throw new NotSupportedException(
                $"The {provider} execution provider ({ortName}) is not in this ONNX Runtime build, which has {string.Join(", ", available)}. "
                + $"Reference {package} instead of Microsoft.ML.OnnxRuntime, or use {nameof(EmbeddingGemmaExecutionProvider)}.{nameof(EmbeddingGemmaExecutionProvider.Cpu)}.");
        }

        switch (provider)
        {
            case EmbeddingGemmaExecutionProvider.Cuda:
                // TF32 would round matmul inputs to 10 mantissa bits: embeddings must match the float32 reference.
                using (var cuda = new OrtCUDAProviderOptions())
                {
                    cuda.UpdateOptions(new Dictionary<string, string> { ["device_id"] = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["use_tf32"] = "0" });
                    options.AppendExecutionProvider_CUDA(cuda);
                }

                break;
            case EmbeddingGemmaExecutionProvider.DirectML:
                options.AppendExecutionProvider_DML(deviceId);
                break;
            case EmbeddingGemmaExecutionProvider.CoreML:
                options.AppendExecutionProvider_CoreML(CoreMLFlags.COREML_FLAG_USE_NONE);
                break;
            case EmbeddingGemmaExecutionProvider.OpenVino:
                options.AppendExecutionProvider_OpenVINO();
                break;
        }
    }

    private static (string OrtName, string Package) Describe(EmbeddingGemmaExecutionProvider provider) => provider switch
    {
        EmbeddingGemmaExecutionProvider.Cuda => ("CUDAExecutionProvider", "Microsoft.ML.OnnxRuntime.Gpu"),
        EmbeddingGemmaExecutionProvider.DirectML => ("DmlExecutionProvider", "Microsoft.ML.OnnxRuntime.DirectML"),
        EmbeddingGemmaExecutionProvider.CoreML => ("CoreMLExecutionProvider", "Microsoft.ML.OnnxRuntime (its macOS/iOS build)"),
        EmbeddingGemmaExecutionProvider.OpenVino => ("OpenVINOExecutionProvider", "Intel.ML.OnnxRuntime.OpenVino"),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown execution provider."),
    };
}
