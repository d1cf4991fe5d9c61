using System.Runtime.InteropServices;

namespace SkEmbeddingGemma.Tests.Media;

/// <summary>
/// Reads what the transformers.js image harnesses (media2.mjs, formats2.mjs) write for image i: its pixel values and
/// position ids as raw little-endian arrays, <c>image{i}.pixels</c> (float32) and <c>image{i}.positions</c> (int64).
/// </summary>
internal static class ReferenceImageFiles
{
    public static float[] Pixels(string directory, int image) => Read<float>(directory, $"image{image}.pixels");

    public static long[] Positions(string directory, int image) => Read<long>(directory, $"image{image}.positions");

    private static T[] Read<T>(string directory, string name)
        where T : unmanaged =>
        MemoryMarshal.Cast<byte, T>(File.ReadAllBytes(Path.Combine(directory, name))).ToArray();
}
