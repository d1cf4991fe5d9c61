namespace SkEmbeddingGemma.Media.Video;

/// <summary>Finds the <c>ffmpeg</c> and <c>ffprobe</c> executables that decode video files, on the <c>PATH</c>.</summary>
internal static class FfmpegTools
{
    /// <summary>Returns the full paths of ffprobe and ffmpeg found in the folders of <paramref name="searchPath"/>.</summary>
    /// <param name="searchPath">A <c>PATH</c>-style list of folders (the process's <c>PATH</c> by default).</param>
    /// <param name="describe">Names the video that needs them, for the message.</param>
    /// <exception cref="NotSupportedException">Either tool is missing; the message names which and how to install it.</exception>
    public static (string Ffprobe, string Ffmpeg) Find(string? searchPath, string describe)
    {
        string[] folders = (searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? ffprobe = Locate(folders, "ffprobe"), ffmpeg = Locate(folders, "ffmpeg");
        if (ffprobe is null || ffmpeg is null)
        {
            string missing = string.Join(" and ", new[] { ffmpeg is null ? "ffmpeg" : null, ffprobe is null ? "ffprobe" : null }.OfType<string>());
            throw new NotSupportedException(
                $"{describe} is a video file, and decoding video files needs {missing} on the PATH, which has none " +
                "(install FFmpeg: 'apt-get install ffmpeg', 'brew install ffmpeg', or 'winget install ffmpeg'); or pass the video as its frames (images).");
        }

        return (ffprobe, ffmpeg);
    }

    private static string? Locate(string[] folders, string tool)
    {
        string name = OperatingSystem.IsWindows() ? tool + ".exe" : tool;
        return folders.Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
    }
}
