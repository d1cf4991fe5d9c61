using System.Buffers.Binary;
using SkEmbeddingGemma.Media.Audio;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Media.Audio;

/// <summary>Bad WAV input fails with an <see cref="EmbeddingGemmaAudioException"/> naming the input and the problem, within bounded memory.</summary>
public sealed class AudioDecodingErrorTests
{
    private const string Name = "notes/voice.wav";

    public static TheoryData<string, byte[], string> BadFiles => new()
    {
        { "not a WAV", "hello, this is text"u8.ToArray(), "does not start with 'RIFF'" },
        { "empty", [], "shorter than a RIFF header" },
        { "big-endian", [.. "RIFX"u8, 0, 0, 0, 0, .. "WAVE"u8], "big-endian RIFX" },
        { "no samples", WavFileWriter.Header(1, 16_000, 16, 0), "has no samples" },
        { "half a frame", WavFileWriter.Header(2, 16_000, 16, 2, [0, 0]), "has no samples" },
        { "truncated data", WavFileWriter.Header(1, 16_000, 16, 32_000, new byte[1_000]), "is truncated" },
        { "mu-law", WithFormatTag(WavFileWriter.Encode(new float[100], 1, 8_000, 8), 7), "format 0x0007" },
        { "12-bit", WithBits(WavFileWriter.Encode(new float[100], 1, 16_000, 16), 12), "12-bit integer samples" },
        { "no channels", WavFileWriter.Header(0, 16_000, 16, 0), "declares 0 channels" },
        { "sample rate 100 Hz", WavFileWriter.Header(1, 100, 16, 200, new byte[200]), "sample rate of 100 Hz" },
        { "NaN sample", WavFileWriter.Encode([0.1f, float.NaN, 0.2f], 1, 16_000, 32, isFloat: true), "non-finite sample (NaN) at frame 2, channel 1" },
        { "no data chunk", WavFileWriter.Encode(new float[10], 1, 16_000, 16)[..48], "has no 'data' chunk" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_files_are_refused_with_the_input_named(string label, byte[] bytes, string reason)
    {
        using var stream = new MemoryStream(bytes);
        EmbeddingGemmaAudioException error = Assert.Throws<EmbeddingGemmaAudioException>(
            () => WavDecoder.Decode(stream, Name, LogMelSettings.MaxSamples, AudioDecodingLimits.Default, CancellationToken.None));
        Assert.Equal(Name, error.InputName);
        Assert.Contains(Name, error.Message, StringComparison.Ordinal);
        Assert.True(error.Reason.Contains(reason, StringComparison.Ordinal), $"{label}: {error.Reason}");
    }

    [Fact]
    public void A_six_hour_file_is_refused_from_its_header_without_reading_its_data()
    {
        // 6 h of 16 kHz 16-bit mono declares 691 MB; only the header is there, and nothing past it is read.
        uint bytes = 6 * 3600 * 16_000 * 2;
        using var stream = new MemoryStream(WavFileWriter.Header(1, 16_000, 16, bytes));
        long before = GC.GetAllocatedBytesForCurrentThread();
        EmbeddingGemmaAudioException error = Assert.Throws<EmbeddingGemmaAudioException>(
            () => WavDecoder.Decode(stream, Name, LogMelSettings.MaxSamples, AudioDecodingLimits.Default, CancellationToken.None));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("lasts 06:00:00, longer than the 00:10:00 limit", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_file_within_the_limit_keeps_memory_to_the_used_prefix()
    {
        // 5 minutes of 48 kHz stereo float (110 MB of samples) read through a forward-only stream: only the first
        // 30 s at 16 kHz (and the 31 s of input they need) are kept: the allocation depends on the rate, not the length.
        int frames = 5 * 60 * 48_000;
        using var stream = new ForwardOnlyStream(new GeneratedWav(frames, 48_000, 2));
        long before = GC.GetAllocatedBytesForCurrentThread();
        MonoAudio audio = WavDecoder.Decode(stream, Name, LogMelSettings.MaxSamples, AudioDecodingLimits.Default, CancellationToken.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(LogMelSettings.MaxSamples, audio.Samples.Length);
        Assert.Equal(5 * 60 * 16_000, audio.Length);
        Assert.True(allocated < 64 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_clip_too_short_for_one_soft_token_is_refused()
    {
        using var folder = new TempFolder();
        using var pipeline = new AudioPipeline(folder.Path);
        using var stream = new MemoryStream(WavFileWriter.Encode(new float[160], 1, 16_000, 16));
        EmbeddingGemmaAudioException error = Assert.Throws<EmbeddingGemmaAudioException>(() => pipeline.Featurize(stream, Name));
        Assert.Contains("too short", error.Reason, StringComparison.Ordinal);

        using var longer = new MemoryStream(WavFileWriter.Encode(new float[161], 1, 16_000, 16));
        Assert.Equal(1, pipeline.Featurize(longer, Name).SoftTokens);
    }

    [Fact]
    public void A_forward_only_stream_decodes_as_a_file()
    {
        byte[] bytes = TestClips.All[1].Bytes;
        using var seekable = new MemoryStream(bytes);
        using var forward = new ForwardOnlyStream(new MemoryStream(bytes));
        MonoAudio a = WavDecoder.Decode(seekable, Name, LogMelSettings.MaxSamples, AudioDecodingLimits.Default, CancellationToken.None);
        MonoAudio b = WavDecoder.Decode(forward, Name, LogMelSettings.MaxSamples, AudioDecodingLimits.Default, CancellationToken.None);
        Assert.Equal(a.Samples, b.Samples);
    }

    private static byte[] WithFormatTag(byte[] wav, ushort tag)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(FmtOffset), tag);
        return wav;
    }

    private static byte[] WithBits(byte[] wav, ushort bits)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(FmtOffset + 14), bits);
        return wav;
    }

    // RIFF header (12) + JUNK chunk (12) + "fmt " chunk header (8).
    private const int FmtOffset = 32;

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>A float WAV generated on the fly (a header, then a tone), so a long file takes no memory in the test.</summary>
    private sealed class GeneratedWav(int frames, int sampleRate, int channels) : Stream
    {
        private readonly byte[] _header = WavFileWriter.Encode([], channels, sampleRate, 32, isFloat: true) is var h
            ? Patch(h, (uint)(frames * channels * 4)) : [];
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            long total = _header.Length + ((long)frames * channels * 4);
            int n = (int)Math.Min(count, total - _position);
            for (int i = 0; i < n; i++, _position++)
            {
                if (_position < _header.Length)
                {
                    buffer[offset + i] = _header[_position];
                    continue;
                }

                long sample = (_position - _header.Length) / 4;
                float value = (float)(0.5 * Math.Sin(2 * Math.PI * 440 * (sample / channels) / sampleRate));
                buffer[offset + i] = (byte)(BitConverter.SingleToInt32Bits(value) >> (int)(8 * ((_position - _header.Length) % 4)));
            }

            return n;
        }

        private static byte[] Patch(byte[] header, uint dataBytes)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(header.Length - 4), dataBytes);
            return header;
        }
    }
}
