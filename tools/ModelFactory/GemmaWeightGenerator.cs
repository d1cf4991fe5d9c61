using System.Text;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Deterministic normal weights. Each fixed-size chunk of each tensor has its own SplitMix64 stream
/// keyed by (seed, tensor name, chunk), so chunks can be generated in parallel, streamed, or
/// regenerated independently by the reference implementation and still match bit for bit.
/// </summary>
internal static class GemmaWeightGenerator
{
    public const int ChunkElements = 1 << 16;

    public static float[] Generate(int seed, WeightSpec spec)
    {
        var values = new float[checked((int)spec.ElementCount)];
        long chunks = (values.Length + ChunkElements - 1) / ChunkElements;
        Parallel.For(0L, chunks, chunk =>
        {
            int start = (int)(chunk * ChunkElements);
            FillChunk(seed, spec, chunk, values.AsSpan(start, Math.Min(ChunkElements, values.Length - start)));
        });
        return values;
    }

    /// <summary>Fills <paramref name="destination"/> with elements [chunk * ChunkElements, ...) of the tensor.</summary>
    public static void FillChunk(int seed, WeightSpec spec, long chunk, Span<float> destination)
    {
        ulong state = Mix(Mix(NameHash(spec.Name) ^ ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL)) + ((ulong)chunk * 0xD1B54A32D192ED03UL));
        double std = spec.Std;
        double mean = spec.Mean;
        for (int i = 0; i < destination.Length; i += 2)
        {
            // Box-Muller; 1 - u keeps the log argument in (0, 1].
            double u1 = 1.0 - NextUnit(ref state);
            double u2 = NextUnit(ref state);
            double r = Math.Sqrt(-2.0 * Math.Log(u1)) * std;
            (double sin, double cos) = Math.SinCos(2.0 * Math.PI * u2);
            destination[i] = (float)((r * cos) + mean);
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = (float)((r * sin) + mean);
            }
        }
    }

    private static double NextUnit(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return (Mix(state) >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    // FNV-1a: stable across processes, unlike string.GetHashCode.
    private static ulong NameHash(string name)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return hash;
    }
}
