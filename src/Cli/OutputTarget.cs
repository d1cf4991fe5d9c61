using System.Text;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// The <c>--output</c> of a command, all or nothing: a file is written to a temporary file in its folder and renamed
/// over it by <see cref="CommitAsync"/>, so a failed run leaves an existing output as it was, and the output may be the
/// input itself (the input is read through before the rename). <c>-</c> is standard output, and an existing special
/// file (<c>/dev/...</c>) is written in place, since neither can be replaced.
/// </summary>
internal sealed class OutputTarget : IAsyncDisposable
{
    private readonly string? _path;
    private readonly string? _temporary;
    private bool _committed;

    private OutputTarget(TextWriter writer, string? path, string? temporary)
    {
        Writer = writer;
        _path = path;
        _temporary = temporary;
    }

    /// <summary>Gets the writer; its text reaches the output only on <see cref="CommitAsync"/> when the output is a file.</summary>
    public TextWriter Writer { get; }

    /// <summary>Opens the output for <paramref name="path"/> (<c>-</c> for stdout).</summary>
    /// <exception cref="IOException">The path is a folder, its folder does not exist, or standard output is closed.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static OutputTarget Open(string path)
    {
        if (path == "-")
        {
            return new(StandardStream.OpenOutputWriter(), null, null);
        }

        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new IOException($"--output '{path}' is a folder; give a file name.");
        }

        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The folder of --output '{path}' does not exist; create it first.");
        }

        if (IsSpecialFile(full))
        {
            return new(Utf8(new FileStream(full, FileMode.Open, FileAccess.Write)), null, null);
        }

        string temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        return new(Utf8(new FileStream(temporary, FileMode.CreateNew, FileAccess.Write)), full, temporary);
    }

    /// <summary>Flushes the output and, for a file, replaces it with what was written.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Writer.FlushAsync(cancellationToken);
        if (_temporary is not null)
        {
            await Writer.DisposeAsync();
            File.Move(_temporary, _path!, overwrite: true);
        }

        _committed = true;
    }

    /// <summary>Closes the writer; without a commit the temporary file is deleted and the output is left as it was.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Writer.DisposeAsync();
        }
        catch (IOException) when (!_committed)
        {
            // The run already failed (e.g. a full disk); its own error is the one to report.
        }

        if (!_committed && _temporary is not null)
        {
            File.Delete(_temporary);
        }
    }

    private static StreamWriter Utf8(Stream stream) => new(stream, new UTF8Encoding(false), bufferSize: 1 << 16) { AutoFlush = false };

    // Devices and the like (/dev/null, /dev/stdout) can't be replaced by a rename; they are written in place.
    private static bool IsSpecialFile(string fullPath)
    {
        string target = File.Exists(fullPath) && File.ResolveLinkTarget(fullPath, returnFinalTarget: true) is { } link ? link.FullName : fullPath;
        return File.Exists(target) && (target.StartsWith("/dev/", StringComparison.Ordinal) || target.StartsWith("/proc/", StringComparison.Ordinal));
    }
}
