using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SkEmbeddingGemma.Media.Video;

/// <summary>
/// Decodes a video file (any container and codec the installed FFmpeg reads) into the frames transformers.js'
/// <c>load_video(src, { fps })</c> samples in a browser, already cut to <c>max_frames</c> as its
/// <c>EmbeddingGemma2VideoProcessor</c> cuts them, so a file embeds as those frames given as images.
/// </summary>
/// <remarks>
/// <para>
/// Sampling: <c>floor(duration × fps)</c> times <c>i / fps</c> (at least the first frame of a clip shorter than one
/// interval, where transformers.js would have none), then <see cref="FrameSampler"/>; at each time the frame on screen
/// (the last one whose timestamp, counted from the first frame's, is not after it), as a browser's seek shows it.
/// </para>
/// <para>
/// <c>ffprobe</c> reads the container's duration and the packets' timestamps (no decoding); one <c>ffmpeg</c> run
/// decodes the stream once and writes only the chosen frames, as 8-bit RGB (PPM) over a pipe, each handed on before
/// the next is read. Limits: at most <see cref="MaxDurationSeconds"/> seconds, frames within
/// <see cref="ImageDecoder"/>'s size limits, and <see cref="Timeout"/> for each tool.
/// </para>
/// </remarks>
internal sealed class VideoFileDecoder
{
    /// <summary>The longest video accepted, in seconds.</summary>
    public const double MaxDurationSeconds = 600;

    /// <summary>The most packets (frames) a video may have.</summary>
    public const int MaxPackets = 1_000_000;

    /// <summary>How long ffprobe or ffmpeg may run for one video.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly double _framesPerSecond;
    private readonly int _maxFrames;
    private readonly bool _truncate;

    public VideoFileDecoder(double framesPerSecond, int maxFrames, bool truncate)
    {
        _framesPerSecond = framesPerSecond;
        _maxFrames = maxFrames;
        _truncate = truncate;
    }

    /// <summary>Gets the <c>PATH</c>-style folder list searched for ffmpeg and ffprobe; the process's <c>PATH</c> when null.</summary>
    public string? SearchPath { get; init; }

    /// <summary>Decodes the sampled frames of one video file, in order, handing each to <paramref name="frame"/>.</summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="describe">Names the video in messages.</param>
    /// <param name="frame">Receives each sampled frame's position and pixels (a frame sampled twice comes twice).</param>
    /// <returns>The number of frames handed on.</returns>
    /// <exception cref="InvalidDataException">The file is empty, corrupt, not a video, in a codec FFmpeg cannot decode, too long, or its frames too large.</exception>
    /// <exception cref="NotSupportedException">ffmpeg or ffprobe is not on the PATH.</exception>
    public int Decode(ReadOnlyMemory<byte> data, string describe, Action<int, RgbImage> frame)
    {
        if (data.IsEmpty)
        {
            throw new InvalidDataException($"{describe} is empty (0 bytes).");
        }

        (string ffprobe, string ffmpeg) = FfmpegTools.Find(SearchPath ?? Environment.GetEnvironmentVariable("PATH"), describe);

        // Containers such as MP4 may keep their index at the end, so the tools read a seekable file, not a pipe.
        string file = Path.Combine(Path.GetTempPath(), "skeg-video-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.None))
            {
                stream.Write(data.Span);
            }

            Probe probe = Read(ffprobe, file, describe);
            (int[] frameOfSample, int[] wanted) = Sample(probe, describe);
            return DecodeFrames(ffmpeg, file, describe, frameOfSample, wanted, frame);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private Probe Read(string ffprobe, string file, string describe)
    {
        (int exitCode, string output, string errors) = RunToEnd(
            ffprobe, ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height:format=duration:packet=pts_time", "-of", "json", file], describe);
        if (exitCode != 0)
        {
            throw new InvalidDataException($"{describe} is not a readable video: {LastLine(errors, file)}");
        }

        // At this log level ffprobe reports only errors, such as a file that ends before its last frame; it still
        // exits with 0 and lists the frames it found, which would silently stand in for the missing ones.
        if (!string.IsNullOrWhiteSpace(errors))
        {
            throw new InvalidDataException($"{describe} is corrupt or truncated: {LastLine(errors, file)}");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(output);
            JsonElement root = document.RootElement;
            JsonElement[] streams = root.TryGetProperty("streams", out JsonElement s) ? [.. s.EnumerateArray()] : [];
            if (streams.Length == 0)
            {
                throw new InvalidDataException($"{describe} has no video stream.");
            }

            JsonElement video = streams[0];
            string codec = video.TryGetProperty("codec_name", out JsonElement c) ? c.GetString() ?? "none" : "none";
            int width = video.TryGetProperty("width", out JsonElement w) ? w.GetInt32() : 0, height = video.TryGetProperty("height", out JsonElement h) ? h.GetInt32() : 0;
            double? duration = root.TryGetProperty("format", out JsonElement format) && format.TryGetProperty("duration", out JsonElement d)
                && double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) ? seconds : null;
            var packets = new List<double>();
            foreach (JsonElement packet in root.TryGetProperty("packets", out JsonElement p) ? p.EnumerateArray() : default)
            {
                if (packets.Count == MaxPackets)
                {
                    throw new InvalidDataException($"{describe} has more than {MaxPackets:N0} frames; cut it shorter first.");
                }

                packets.Add(packet.TryGetProperty("pts_time", out JsonElement t) && double.TryParse(t.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double time)
                    ? time
                    : throw new InvalidDataException($"{describe}: its frames carry no timestamps; remux it into a container such as MP4 or Matroska first."));
            }

            return new Probe(codec, width, height, duration, packets);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{describe}: ffprobe's description of it could not be read: {ex.Message}", ex);
        }
    }

    private (int[] FrameOfSample, int[] Wanted) Sample(Probe probe, string describe)
    {
        if (probe.Codec == "none")
        {
            throw new InvalidDataException($"{describe} is in a video codec this FFmpeg cannot decode.");
        }

        if (probe.Width <= 0 || probe.Height <= 0 || probe.Packets.Count == 0)
        {
            throw new InvalidDataException($"{describe} has no frames ({probe.Width}×{probe.Height}, {probe.Packets.Count} frames).");
        }

        if (probe.Width > ImageDecoder.MaxSide || probe.Height > ImageDecoder.MaxSide || (long)probe.Width * probe.Height > ImageDecoder.MaxPixels)
        {
            throw new InvalidDataException(
                $"{describe} has {probe.Width}×{probe.Height} frames, more than this library decodes (at most {ImageDecoder.MaxSide} a side and " +
                $"{ImageDecoder.MaxPixels / (1024 * 1024)} megapixels); scale it down first.");
        }

        double[] times = [.. probe.Packets.Order()];
        double first = times[0];
        double duration = probe.Duration ?? (times[^1] - first) * times.Length / Math.Max(1, times.Length - 1);
        if (duration > MaxDurationSeconds)
        {
            throw new InvalidDataException($"{describe} lasts {duration:F1} s, longer than this library decodes ({MaxDurationSeconds:F0} s); cut it first.");
        }

        // load_video(src, { fps }): step = 1 / fps, count = floor(duration / step), times i × step.
        double step = 1 / _framesPerSecond;
        int count = Math.Max(1, (int)Math.Floor(duration / step));
        int[] samples = FrameSampler.Indices(count, _maxFrames, _truncate);
        var frameOfSample = new int[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            // The frame on screen at the time: the last whose timestamp is not after it (tolerating ffprobe's 6 decimals).
            double time = samples[i] * step;
            int index = Array.FindLastIndex(times, t => t - first <= time + 1e-6);
            frameOfSample[i] = Math.Max(0, index);
        }

        return (frameOfSample, [.. frameOfSample.Distinct().Order()]);
    }

    private static int DecodeFrames(string ffmpeg, string file, string describe, int[] frameOfSample, int[] wanted, Action<int, RgbImage> frame)
    {
        string select = "select='" + string.Join('+', wanted.Select(n => $"eq(n\\,{n.ToString(CultureInfo.InvariantCulture)})")) + "'";
        using Process process = Start(ffmpeg, ["-nostdin", "-v", "error", "-i", file, "-map", "0:v:0", "-vf", select, "-vsync", "passthrough", "-f", "image2pipe", "-c:v", "ppm", "pipe:1"], describe);
        Task<string> errors = process.StandardError.ReadToEndAsync();
        bool timedOut = false, read = false;
        using var timer = new Timer(_ => { timedOut = true; Kill(process); }, null, Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        int sample = 0;
        try
        {
            var output = new BufferedStream(process.StandardOutput.BaseStream, 1 << 16);
            for (int w = 0; w < wanted.Length; w++)
            {
                RgbImage? image = ReadPpm(output, describe);
                if (image is null)
                {
                    break;
                }

                for (; sample < frameOfSample.Length && frameOfSample[sample] == wanted[w]; sample++)
                {
                    frame(sample, image);
                }
            }

            // ffmpeg goes on decoding to the end of the stream (which is where corruption shows); it writes no more frames.
            output.CopyTo(Stream.Null);
            read = true;
        }
        finally
        {
            if (!read)
            {
                Kill(process);
            }

            process.WaitForExit();
        }

        if (timedOut)
        {
            throw new InvalidDataException($"{describe}: decoding did not finish within {Timeout.TotalMinutes:F0} minutes.");
        }

        string messages = errors.GetAwaiter().GetResult();
        if (sample < frameOfSample.Length || process.ExitCode != 0 || !string.IsNullOrWhiteSpace(messages))
        {
            string why = string.IsNullOrWhiteSpace(messages) ? "the stream ended early" : LastLine(messages, file);
            throw new InvalidDataException(
                $"{describe} could not be decoded ({Math.Min(sample, frameOfSample.Length)} of the {frameOfSample.Length} sampled frames read): {why}");
        }

        return sample;
    }

    // One binary PPM (P6, maxval 255): "P6" width height maxval, whitespace-separated, one whitespace, then RGB rows.
    private static RgbImage? ReadPpm(Stream stream, string describe)
    {
        int first = stream.ReadByte();
        if (first < 0)
        {
            return null;
        }

        if (first != 'P' || stream.ReadByte() != '6')
        {
            throw new InvalidDataException($"{describe}: ffmpeg wrote no PPM frame.");
        }

        int width = Number(stream, describe), height = Number(stream, describe), maxValue = Number(stream, describe);
        if (maxValue != 255 || width <= 0 || height <= 0 || width > ImageDecoder.MaxSide || height > ImageDecoder.MaxSide || (long)width * height > ImageDecoder.MaxPixels)
        {
            throw new InvalidDataException($"{describe}: a decoded frame is {width}×{height} (maximum value {maxValue}), outside this library's limits.");
        }

        var pixels = new byte[width * height * 3];
        stream.ReadExactly(pixels);
        return new RgbImage(width, height, pixels);
    }

    private static int Number(Stream stream, string describe)
    {
        int b;
        do
        {
            b = stream.ReadByte();
        }
        while (b is ' ' or '\n' or '\r' or '\t');

        long value = 0;
        for (; b is >= '0' and <= '9'; b = stream.ReadByte())
        {
            value = (value * 10) + (b - '0');
            if (value > int.MaxValue)
            {
                throw new InvalidDataException($"{describe}: ffmpeg wrote a frame header out of range.");
            }
        }

        return b < 0 ? throw new EndOfStreamException($"{describe}: ffmpeg's output ended inside a frame header.") : (int)value;
    }

    private static (int ExitCode, string Output, string Errors) RunToEnd(string tool, string[] arguments, string describe)
    {
        using Process process = Start(tool, arguments, describe);
        Task<string> errors = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            Kill(process);
            throw new InvalidDataException($"{describe}: {Path.GetFileName(tool)} did not finish within {Timeout.TotalMinutes:F0} minutes.");
        }

        process.WaitForExit();
        return (process.ExitCode, output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult());
    }

    private static Process Start(string tool, string[] arguments, string describe)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            return Process.Start(info) ?? throw new NotSupportedException($"{describe}: {tool} could not be started.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new NotSupportedException($"{describe}: {tool} could not be started: {ex.Message}", ex);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    // The tool's last message line, without the "[demuxer @ 0x...]" prefix and the temporary file's path.
    private static string LastLine(string errors, string file)
    {
        string line = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no reason given";
        line = System.Text.RegularExpressions.Regex.Replace(line, @"^\[[^\]]*\]\s*", string.Empty);
        return line.Replace(file + ": ", string.Empty, StringComparison.Ordinal).Replace(file, "the file", StringComparison.Ordinal);
    }

    private sealed record Probe(string Codec, int Width, int Height, double? Duration, List<double> Packets);
}
