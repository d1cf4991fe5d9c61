using System.Numerics.Tensors;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Embedding-like test vectors: clustered points in a low-dimensional latent space, mapped linearly into the full
/// width, plus isotropic noise at about half the signal's norm, normalized. Uniform random unit vectors in 768
/// dimensions have no neighbourhood structure (every point is nearly orthogonal to every other); real sentence
/// embeddings lie near a low-dimensional manifold. Shared by HnswRecallTests and the FaissBench quantized benchmark.
/// </summary>
internal sealed class EmbeddingLikeVectors
{
    private readonly Random _random;
    private readonly int _dimensions;
    private readonly int _latentDimensions;
    private readonly int _clusters;
    private readonly float[] _basis;
    private readonly float[] _centers;

    public EmbeddingLikeVectors(Random random, int dimensions = 768, int latentDimensions = 128, int clusters = 200)
    {
        _random = random;
        _dimensions = dimensions;
        _latentDimensions = latentDimensions;
        _clusters = clusters;
        _basis = Gaussian(latentDimensions * dimensions);
        _centers = Gaussian(clusters * latentDimensions);
    }

    public float[] Next(int count)
    {
        var vectors = new float[count * _dimensions];
        var latent = new float[_latentDimensions];
        for (int row = 0; row < count; row++)
        {
            int cluster = _random.Next(_clusters);
            for (int j = 0; j < _latentDimensions; j++)
            {
                latent[j] = _centers[(cluster * _latentDimensions) + j] + (0.5f * NextGaussian());
            }

            Span<float> v = vectors.AsSpan(row * _dimensions, _dimensions);
            for (int j = 0; j < _latentDimensions; j++)
            {
                TensorPrimitives.MultiplyAdd(_basis.AsSpan(j * _dimensions, _dimensions), latent[j], v, v);
            }

            // Noise at ~50 % of the signal's norm, so points sit near (not on) the subspace.
            float noise = 0.5f * TensorPrimitives.Norm(v) / MathF.Sqrt(_dimensions);
            for (int i = 0; i < _dimensions; i++)
            {
                v[i] += noise * NextGaussian();
            }

            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        }

        return vectors;
    }

    private float[] Gaussian(int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = NextGaussian();
        }

        return values;
    }

    private float NextGaussian() =>
        MathF.Sqrt(-2f * MathF.Log(1f - _random.NextSingle())) * MathF.Cos(2f * MathF.PI * _random.NextSingle());
}
