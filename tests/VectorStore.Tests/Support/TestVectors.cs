namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>Deterministic test vectors and brute-force references.</summary>
public static class TestVectors
{
    public static float[] Random(Random random, int dimensions, bool normalize = false)
    {
        var v = new float[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            v[i] = (float)(random.NextDouble() * 2 - 1);
        }

        if (normalize)
        {
            float norm = MathF.Sqrt(v.Sum(x => x * x));
            for (int i = 0; i < dimensions; i++)
            {
                v[i] /= norm;
            }
        }

        return v;
    }

    public static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    public static double L2Squared(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }

    public static double Cosine(float[] a, float[] b) => Dot(a, b) / Math.Sqrt(Dot(a, a) * Dot(b, b));
}
