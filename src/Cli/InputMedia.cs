using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// The media of an input line, as file paths: <c>"image"</c> or <c>"images"</c>, <c>"video"</c> (a video file, or a
/// list of frame images) or <c>"videos"</c> (a list of those), <c>"audio"</c>. Relative paths are resolved against the input file's folder (the current
/// folder for standard input).
/// </summary>
internal sealed record InputMedia(IReadOnlyList<string> Images, IReadOnlyList<IReadOnlyList<string>> Videos, IReadOnlyList<string> Audio)
{
    /// <summary>The largest media file read, so one line cannot exhaust memory.</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    private static readonly Dictionary<string, string> s_mediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".bmp"] = "image/bmp",
        [".gif"] = "image/gif",
        [".wav"] = "audio/wav",
        [".mp4"] = "video/mp4",
        [".m4v"] = "video/mp4",
        [".mov"] = "video/quicktime",
        [".mkv"] = "video/x-matroska",
        [".webm"] = "video/webm",
        [".avi"] = "video/x-msvideo",
        [".mpg"] = "video/mpeg",
        [".mpeg"] = "video/mpeg",
        [".ogv"] = "video/ogg",
    };

    /// <summary>Reads the media fields of a line; null when it has none.</summary>
    /// <exception cref="InvalidDataException">A media field has the wrong shape; the message names the line and field.</exception>
    public static InputMedia? Parse(JsonElement root, long line)
    {
        List<string> images = [.. Strings(root, "image", line, single: true), .. Strings(root, "images", line, single: false)];
        List<IReadOnlyList<string>> videos = [];
        if (root.TryGetProperty("video", out JsonElement video) && video.ValueKind != JsonValueKind.Null)
        {
            // A path is a video file; a list, its frames.
            videos.Add(video.ValueKind == JsonValueKind.String ? Strings(root, "video", line, single: true) : Strings(root, "video", line, single: false));
        }

        if (root.TryGetProperty("videos", out JsonElement many) && many.ValueKind != JsonValueKind.Null)
        {
            if (many.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"line {line}: \"videos\" must be a list of videos, each a video file path or a list of frame image paths.");
            }

            foreach (JsonElement frames in many.EnumerateArray())
            {
                videos.Add(frames.ValueKind == JsonValueKind.String ? [JsonLineText.GetString(frames, "videos", line)]
                    : frames.ValueKind == JsonValueKind.Array && frames.EnumerateArray().All(f => f.ValueKind == JsonValueKind.String)
                    ? [.. frames.EnumerateArray().Select(f => JsonLineText.GetString(f, "videos", line))]
                    : throw new InvalidDataException($"line {line}: \"videos\" must be a list of videos, each a video file path or a list of frame image paths."));
            }
        }

        IReadOnlyList<string> audio = [.. Strings(root, "audio", line, single: true)];
        return images.Count + videos.Count + audio.Count == 0 ? null : new InputMedia(images, videos, audio);
    }

    /// <summary>Reads the files into the generator's input.</summary>
    /// <exception cref="InvalidDataException">A file is missing, unreadable or too large; the message names the line and path.</exception>
    public EmbeddingGemmaMultimodalInput Load(string? text, string baseDirectory, long line) => new()
    {
        Text = text,
        Images = [.. Images.Select(p => Read(p, baseDirectory, line))],
        Videos = [.. Videos.Select(v => (IReadOnlyList<DataContent>)[.. v.Select(p => Read(p, baseDirectory, line))])],
        Audio = [.. Audio.Select(p => Read(p, baseDirectory, line))],
    };

    private static DataContent Read(string path, string baseDirectory, long line)
    {
        string full = Path.GetFullPath(path, baseDirectory);
        try
        {
            var info = new FileInfo(full);
            if (!info.Exists)
            {
                throw new InvalidDataException($"line {line}: media file '{path}' does not exist (looked for '{full}').");
            }

            if (info.Length > MaxFileBytes)
            {
                throw new InvalidDataException($"line {line}: media file '{path}' has {info.Length} bytes, more than the {MaxFileBytes / (1024 * 1024)} MB this command reads.");
            }

            string mediaType = s_mediaTypes.GetValueOrDefault(Path.GetExtension(full), "image/*");
            return new DataContent(File.ReadAllBytes(full), mediaType) { Name = path };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"line {line}: media file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    private static IReadOnlyList<string> Strings(JsonElement root, string field, long line, bool single)
    {
        if (!root.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (single && value.ValueKind == JsonValueKind.String)
        {
            return [JsonLineText.GetString(value, field, line)];
        }

        if (!single && value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String))
        {
            return [.. value.EnumerateArray().Select(v => JsonLineText.GetString(v, field, line))];
        }

        throw new InvalidDataException($"line {line}: \"{field}\" must be {(single ? "a file path" : "a list of file paths")}.");
    }
}
