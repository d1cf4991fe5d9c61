using System.Text;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// Streams JSON lines in chunks: each chunk is grouped by prompt, handed to a processor, and written back in input
/// order, so memory stays bounded whatever the input size.
/// </summary>
internal static class JsonLinesPipeline
{
    /// <summary>Lines per chunk: enough for full batches, small enough to stream.</summary>
    public const int ChunkSize = 512;

    /// <summary>Opens the input: a file, or standard input for <c>-</c>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static TextReader OpenInput(string path) =>
        path == "-" ? Console.In
        : File.Exists(path) ? new StreamReader(path, Encoding.UTF8)
        : throw new FileNotFoundException($"Input file '{path}' does not exist.", path);

    /// <summary>Opens the output: a file, or standard output for <c>-</c>.</summary>
    public static TextWriter OpenOutput(string path) =>
        path == "-" ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false }
        : new StreamWriter(path, append: false, new UTF8Encoding(false));

    /// <summary>
    /// Reads every line, calls <paramref name="process"/> once per prompt group of each chunk (lines and their titles),
    /// and writes one output line per input line, in order.
    /// </summary>
    /// <exception cref="InvalidDataException">A line is not valid input; the message names it.</exception>
    public static async Task<int> RunAsync(
        TextReader input, TextWriter output, PromptChoice defaults, string? defaultTitle,
        Func<PromptChoice, IReadOnlyList<InputLine>, CancellationToken, Task<IReadOnlyList<string>>> process,
        Action<int>? progress, CancellationToken cancellationToken)
    {
        int lineNumber = 0;
        var chunk = new List<InputLine>(ChunkSize);
        while (true)
        {
            string? line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is not null)
            {
                lineNumber++;
                InputLine parsed = InputLine.Parse(line, lineNumber);
                chunk.Add(parsed.Title is null && defaultTitle is not null ? parsed with { Title = defaultTitle } : parsed);
            }

            if (chunk.Count == ChunkSize || (line is null && chunk.Count > 0))
            {
                await WriteChunkAsync(chunk, output, defaults, process, cancellationToken).ConfigureAwait(false);
                progress?.Invoke(chunk.Count);
                chunk.Clear();
            }

            if (line is null)
            {
                break;
            }
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return lineNumber;
    }

    private static async Task WriteChunkAsync(
        List<InputLine> chunk, TextWriter output, PromptChoice defaults,
        Func<PromptChoice, IReadOnlyList<InputLine>, CancellationToken, Task<IReadOnlyList<string>>> process, CancellationToken cancellationToken)
    {
        var results = new string[chunk.Count];
        foreach (IGrouping<PromptChoice, int> group in Enumerable.Range(0, chunk.Count).GroupBy(i => PromptChoice.For(chunk[i], defaults)))
        {
            int[] positions = group.ToArray();
            IReadOnlyList<string> lines = await process(group.Key, Array.ConvertAll(positions, p => chunk[p]), cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < positions.Length; i++)
            {
                results[positions[i]] = lines[i];
            }
        }

        foreach (string line in results)
        {
            await output.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
    }
}
