namespace SkEmbeddingGemma.Cli;

/// <summary>The <c>--input</c> of a command: a file, or standard input for <c>-</c>, opened once.</summary>
internal static class InputSource
{
    /// <summary>Opens <paramref name="path"/> for one sequential read.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a folder, or standard input is closed.</exception>
    public static Stream Open(string path) =>
        path == "-" ? StandardStream.OpenInput()
        : Directory.Exists(path) ? throw new IOException($"--input '{path}' is a folder; give a JSON lines file.")
        : File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan)
        : throw new FileNotFoundException($"Input file '{path}' does not exist.", path);

    /// <summary>Opens <paramref name="path"/> as JSON lines; invalid UTF-8 is reported on standard error.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a folder, or standard input is closed.</exception>
    public static JsonLinesReader OpenLines(string path) => new(Open(path), Console.Error);
}
