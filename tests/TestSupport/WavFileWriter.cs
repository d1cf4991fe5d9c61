using System.Buffers.Binary;

namespace SkEmbeddingGemma.TestSupport;

/// <summary>Writes WAV files for tests: integer PCM (8, 16, 24, 32 bits) or IEEE float (32, 64 bits), plain or extensible.</summary>
public static class WavFileWriter
{
    /// <summary>Encodes interleaved samples in [-1, 1] (<c>frames × channels</c>) as a WAV file.</summary>
    public static byte[] Encode(float[] interleaved, int channels, int sampleRate, int bits, bool isFloat = false, bool extensible = false)
    {
        ArgumentNullException.ThrowIfNull(interleaved);
        int bytes = bits / 8;
        int fmtSize = extensible ? 40 : 16;
        var data = new byte[interleaved.Length * bytes];
        for (int i = 0; i < interleaved.Length; i++)
        {
            Span<byte> at = data.AsSpan(i * bytes, bytes);
            double s = Math.Clamp(interleaved[i], -1f, 1f);
            if (isFloat)
            {
                if (bits == 32)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(at, (float)s);
                }
                else
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(at, s);
                }

                continue;
            }

            long max = (1L << (bits - 1)) - 1;
            long value = (long)Math.Round(s * max);
            switch (bits)
            {
                case 8: at[0] = (byte)(value + 128); break;
                case 16: BinaryPrimitives.WriteInt16LittleEndian(at, (short)value); break;
                case 24: at[0] = (byte)value; at[1] = (byte)(value >> 8); at[2] = (byte)(value >> 16); break;
                default: BinaryPrimitives.WriteInt32LittleEndian(at, (int)value); break;
            }
        }

        return Build(channels, sampleRate, bits, isFloat, extensible, fmtSize, data, (uint)data.Length);
    }

    /// <summary>A header whose data chunk declares <paramref name="declaredDataBytes"/> bytes, followed by <paramref name="data"/>.</summary>
    public static byte[] Header(int channels, int sampleRate, int bits, uint declaredDataBytes, byte[]? data = null) =>
        Build(channels, sampleRate, bits, false, false, 16, data ?? [], declaredDataBytes);

    private static byte[] Build(int channels, int sampleRate, int bits, bool isFloat, bool extensible, int fmtSize, byte[] data, uint declared)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write("RIFF"u8);
        w.Write((uint)(4 + 8 + fmtSize + 8 + 8 + 4 + data.Length));
        w.Write("WAVE"u8);
        // A chunk before fmt, as many encoders write, to check that unknown chunks are skipped.
        w.Write("JUNK"u8);
        w.Write(4u);
        w.Write(0u);
        w.Write("fmt "u8);
        w.Write((uint)fmtSize);
        ushort tag = (ushort)(isFloat ? 3 : 1);
        w.Write(extensible ? (ushort)0xFFFE : tag);
        w.Write((ushort)channels);
        w.Write((uint)sampleRate);
        w.Write((uint)(sampleRate * channels * bits / 8));
        w.Write((ushort)(channels * bits / 8));
        w.Write((ushort)bits);
        if (extensible)
        {
            w.Write((ushort)22);
            w.Write((ushort)bits);
            w.Write(channels == 1 ? 4u : 3u);
            // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: {0000000X-0000-0010-8000-00aa00389b71}
            w.Write(new Guid($"{tag:x8}-0000-0010-8000-00aa00389b71").ToByteArray());
        }

        w.Write("data"u8);
        w.Write(declared);
        w.Write(data);
        w.Flush();
        return stream.ToArray();
    }
}
