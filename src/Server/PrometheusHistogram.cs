using System.Globalization;
using System.Text;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>A cumulative Prometheus histogram over fixed bucket bounds. Thread-safe.</summary>
internal sealed class PrometheusHistogram(string name, string help, double[] bounds)
{
    private readonly long[] _counts = new long[bounds.Length + 1];
    private readonly Lock _gate = new();
    private double _sum;
    private long _count;

    /// <summary>TEI's duration buckets in seconds: 10 µs × 1.5^k, 35 of them.</summary>
    public static double[] DurationBounds { get; } = [.. Enumerable.Range(1, 35).Select(k => 0.00001 * Math.Pow(1.5, k))];

    /// <summary>Powers of two from 1 to 2^<paramref name="maxExponent"/>.</summary>
    public static double[] PowersOfTwo(int maxExponent) => [.. Enumerable.Range(0, maxExponent + 1).Select(k => Math.Pow(2, k))];

    public void Record(double value)
    {
        int bucket = Array.FindIndex(bounds, b => value <= b);
        lock (_gate)
        {
            _counts[bucket < 0 ? bounds.Length : bucket]++;
            _sum += value;
            _count++;
        }
    }

    public void Write(StringBuilder text)
    {
        long[] counts;
        double sum;
        long count;
        lock (_gate)
        {
            counts = (long[])_counts.Clone();
            sum = _sum;
            count = _count;
        }

        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} histogram\n");
        long cumulative = 0;
        for (int i = 0; i < bounds.Length; i++)
        {
            cumulative += counts[i];
            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"{bounds[i]:R}\"}} {cumulative}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"+Inf\"}} {count}\n{name}_sum {sum:R}\n{name}_count {count}\n");
    }
}
