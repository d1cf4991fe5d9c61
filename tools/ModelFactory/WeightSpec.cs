namespace SkEmbeddingGemma.ModelFactory;

/// <summary>One generated weight tensor: name, shape and the standard deviation of its values.</summary>
/// <param name="Name">HF-style parameter name; also the ONNX initializer name and part of the random seed.</param>
/// <param name="Shape">Shape as stored. Linear weights are pre-transposed to [in, out] for MatMul.</param>
/// <param name="Std">Standard deviation of the normal values.</param>
/// <param name="Mean">Mean of the normal values: zero except for weights that multiply (Gemma 4's plain RMSNorm weights, layer scalars).</param>
internal readonly record struct WeightSpec(string Name, int[] Shape, float Std, float Mean = 0f)
{
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Shape)
            {
                n *= d;
            }

            return n;
        }
    }
}
