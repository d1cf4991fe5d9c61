namespace SkEmbeddingGemma.Cli;

/// <summary>
/// A private copy of an input, made in one read: a command that reads its input twice (check, then write) reads this
/// copy both times, so a pipe, FIFO or standard input is not read again (and found empty), and lines appended to the
/// file meanwhile are not read. The copy is deleted on <see cref="Dispose"/>.
/// </summary>
internal sealed class InputSpool : IDisposable
{
    private InputSpool(string path) => Path = path;

    /// <summary>Gets the copy's path.</summary>
    public string Path { get; }

    /// <summary>Copies <paramref name="inputPath"/> (<c>-</c> for stdin) to a new temporary file.</summary>
    /// <exception cref="FileNotFoundException">The input does not exist.</exception>
    /// <exception cref="IOException">The input is a folder, standard input is closed, or the copy fails.</exception>
    public static async Task<InputSpool> CreateAsync(string inputPath, CancellationToken cancellationToken)
    {
        await using Stream source = InputSource.Open(inputPath);
        string path = System.IO.Path.GetTempFileName(); // Owner-only permissions.
        try
        {
            await using (var copy = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.None))
            {
                await source.CopyToAsync(copy, 1 << 16, cancellationToken);
            }

            return new InputSpool(path);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Opens the copy as JSON lines; <paramref name="warnings"/> gets invalid-UTF-8 warnings (null: silent).</summary>
    public JsonLinesReader OpenLines(TextWriter? warnings) =>
        new(new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan), warnings);

    /// <inheritdoc />
    public void Dispose() => File.Delete(Path);
}
