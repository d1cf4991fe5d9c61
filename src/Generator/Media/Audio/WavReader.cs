using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace SkEmbeddingGemma.Media.Audio;

/// <summary>
/// Reads RIFF/WAVE files from a forward-only stream: integer PCM of 8 (unsigned), 16, 24 or 32 bits and IEEE float of
/// 32 or 64 bits, plain or <c>WAVE_FORMAT_EXTENSIBLE</c>, any channel count. Samples become floats the way the
/// <c>wavefile</c> package's <c>toBitDepth('32f')</c> makes them (transformers.js's documented Node.js recipe): an
/// integer <c>s</c> becomes <c>s / (2^(b-1) - 1)</c> when positive and <c>s / 2^(b-1)</c> otherwise, rounded to float.
/// </summary>
internal static class WavReader
{
    private const ushort FormatPcm = 1;
    private const ushort FormatFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;
    private const int BufferBytes = 1 << 16;

    /// <summary>Reads the header up to the start of the data chunk's samples.</summary>
    public static WavFormat ReadHeader(Stream stream, string name, AudioDecodingLimits limits)
    {
        Span<byte> head = stackalloc byte[12];
        if (!TryReadExactly(stream, head))
        {
            throw Error(name, "is not a WAV file: it is shorter than a RIFF header.");
        }

        uint riff = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (riff is 0x52494658 or 0x52463634)
        {
            throw Error(name, $"is a {(riff == 0x52494658 ? "big-endian RIFX" : "RF64")} file; only little-endian RIFF WAV files are supported.");
        }

        if (riff != 0x52494646 || BinaryPrimitives.ReadUInt32BigEndian(head[8..]) != 0x57415645)
        {
            throw Error(name, "is not a WAV file: it does not start with 'RIFF' ... 'WAVE'.");
        }

        (bool IsFloat, int Bits, int Channels, int Rate)? format = null;
        Span<byte> chunk = stackalloc byte[8];
        while (true)
        {
            if (!TryReadExactly(stream, chunk))
            {
                throw Error(name, "has no 'data' chunk.");
            }

            uint id = BinaryPrimitives.ReadUInt32BigEndian(chunk);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (id == 0x666D7420) // "fmt "
            {
                format = ReadFormat(stream, name, size, limits);
            }
            else if (id == 0x64617461) // "data"
            {
                if (format is not { } f)
                {
                    throw Error(name, "has its 'data' chunk before its 'fmt ' chunk.");
                }

                long frames = size / (f.Bits / 8 * f.Channels);
                if (frames == 0)
                {
                    throw Error(name, "has no samples (its 'data' chunk holds no whole frame).");
                }

                var wav = new WavFormat(f.IsFloat, f.Bits, f.Channels, f.Rate, frames);
                if (wav.DurationSeconds > limits.MaxDuration.TotalSeconds)
                {
                    throw Error(name, string.Create(CultureInfo.InvariantCulture,
                        $"lasts {TimeSpan.FromSeconds(Math.Floor(wav.DurationSeconds)):c}, longer than the {limits.MaxDuration:c} limit."));
                }

                return wav;
            }
            else
            {
                Skip(stream, size + (size & 1), name);
            }
        }
    }

    /// <summary>
    /// Reads the first <paramref name="keepFrames"/> frames of the first <paramref name="keepChannels"/> channels, then
    /// reads the rest of the data chunk without keeping it, so a file whose data ends early fails here.
    /// </summary>
    public static float[][] ReadSamples(Stream stream, WavFormat format, int keepChannels, int keepFrames, string name, CancellationToken cancellationToken)
    {
        var channels = new float[keepChannels][];
        for (int c = 0; c < keepChannels; c++)
        {
            channels[c] = new float[keepFrames];
        }

        int blockAlign = format.BlockAlign;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferBytes / blockAlign * blockAlign + blockAlign);
        try
        {
            int chunkBytes = BufferBytes / blockAlign * blockAlign;
            long frame = 0;
            while (frame < format.FrameCount)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int frames = (int)Math.Min(chunkBytes / blockAlign, format.FrameCount - frame);
                Span<byte> bytes = buffer.AsSpan(0, frames * blockAlign);
                if (!TryReadExactly(stream, bytes))
                {
                    throw Error(name, string.Create(CultureInfo.InvariantCulture,
                        $"is truncated: its 'data' chunk declares {format.FrameCount} frames but the file ends inside frame {frame + 1} or later."));
                }

                int keep = (int)Math.Clamp(keepFrames - frame, 0, frames);
                for (int i = 0; i < keep; i++)
                {
                    ReadOnlySpan<byte> at = bytes.Slice(i * blockAlign, blockAlign);
                    for (int c = 0; c < keepChannels; c++)
                    {
                        float value = ToFloat(at.Slice(c * format.BytesPerSample, format.BytesPerSample), format);
                        if (!float.IsFinite(value))
                        {
                            // NaN or infinity would turn every feature and the embedding into NaN without a word.
                            throw Error(name, string.Create(CultureInfo.InvariantCulture, $"has a non-finite sample ({value}) at frame {frame + i + 1}, channel {c + 1}."));
                        }

                        channels[c][frame + i] = value;
                    }
                }

                frame += frames;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return channels;
    }

    private static float ToFloat(ReadOnlySpan<byte> sample, WavFormat format)
    {
        if (format.IsFloat)
        {
            return format.BitsPerSample == 32
                ? BinaryPrimitives.ReadSingleLittleEndian(sample)
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(sample);
        }

        int value = format.BitsPerSample switch
        {
            8 => sample[0] - 128,
            16 => BinaryPrimitives.ReadInt16LittleEndian(sample),
            24 => (sample[0] | (sample[1] << 8) | ((sbyte)sample[2] << 16)),
            _ => BinaryPrimitives.ReadInt32LittleEndian(sample),
        };

        // wavefile's intToFloat_: positive values over 2^(b-1) - 1, the rest over 2^(b-1), in double, then float.
        double half = 1L << (format.BitsPerSample - 1);
        return (float)(value > 0 ? value / (half - 1) : value / half);
    }

    private static (bool IsFloat, int Bits, int Channels, int Rate) ReadFormat(Stream stream, string name, uint size, AudioDecodingLimits limits)
    {
        if (size is < 16 or > 1024)
        {
            throw Error(name, string.Create(CultureInfo.InvariantCulture, $"has a 'fmt ' chunk of {size} bytes (expected 16 to 40)."));
        }

        Span<byte> fmt = stackalloc byte[(int)(size + (size & 1))];
        if (!TryReadExactly(stream, fmt))
        {
            throw Error(name, "ends inside its 'fmt ' chunk.");
        }

        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        long rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == FormatExtensible)
        {
            if (size < 40)
            {
                throw Error(name, "has an extensible 'fmt ' chunk shorter than 40 bytes.");
            }

            // The sub-format GUID's first two bytes hold the real format tag (KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT).
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
        }

        bool isFloat = tag == FormatFloat;
        if (tag != FormatPcm && !isFloat)
        {
            throw Error(name, string.Create(CultureInfo.InvariantCulture,
                $"uses WAV format 0x{tag:X4}; supported are integer PCM (1) and IEEE float (3), plain or extensible."));
        }

        if (isFloat ? bits is not (32 or 64) : bits is not (8 or 16 or 24 or 32))
        {
            throw Error(name, string.Create(CultureInfo.InvariantCulture,
                $"has {bits}-bit {(isFloat ? "float" : "integer")} samples; supported are 8, 16, 24 and 32-bit integers and 32 and 64-bit floats."));
        }

        if (channels < 1 || channels > limits.MaxChannels)
        {
            throw Error(name, string.Create(CultureInfo.InvariantCulture, $"declares {channels} channels (1 to {limits.MaxChannels} are accepted)."));
        }

        if (rate < limits.MinSampleRate || rate > limits.MaxSampleRate)
        {
            throw Error(name, string.Create(CultureInfo.InvariantCulture,
                $"has a sample rate of {rate} Hz ({limits.MinSampleRate} to {limits.MaxSampleRate} Hz are accepted)."));
        }

        if (blockAlign != bits / 8 * channels)
        {
            throw Error(name, string.Create(CultureInfo.InvariantCulture,
                $"declares {blockAlign} bytes per frame, but {channels} channels of {bits} bits take {bits / 8 * channels}."));
        }

        return (isFloat, bits, channels, (int)rate);
    }

    private static void Skip(Stream stream, long count, string name)
    {
        if (stream.CanSeek)
        {
            if (stream.Position + count > stream.Length)
            {
                throw Error(name, "ends inside a chunk before its 'data' chunk.");
            }

            stream.Seek(count, SeekOrigin.Current);
            return;
        }

        Span<byte> scratch = stackalloc byte[4096];
        while (count > 0)
        {
            int read = stream.Read(scratch[..(int)Math.Min(count, scratch.Length)]);
            if (read == 0)
            {
                throw Error(name, "ends inside a chunk before its 'data' chunk.");
            }

            count -= read;
        }
    }

    private static bool TryReadExactly(Stream stream, Span<byte> buffer) =>
        stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;

    private static EmbeddingGemmaAudioException Error(string name, string reason) => new(name, reason);
}
