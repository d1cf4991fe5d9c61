namespace SkEmbeddingGemma.Cli;

/// <summary>
/// Streams JSON lines in chunks: each chunk is grouped by prompt, handed to a processor, and written back in input
/// order, so memory stays bounded whatever the input size. Blank lines are skipped; each output line carries the number
/// of the input line it belongs to.
/// </summary>
internal static class JsonLinesPipeline
{
    /// <summary>Lines per chunk: enough for full batches, small enough to stream.</summary>
    public const int ChunkSize = 512;

    /// <summary>
    /// Reads every non-blank line, calls <paramref name="process"/> once per prompt group of each chunk (lines and their
    /// titles), and writes one output line per input line, in order.
    /// </summary>
    /// <returns>The number of lines processed.</returns>
    /// <exception cref="InvalidDataException">A line is not valid input; the message names it.</exception>
    public static async Task<long> RunAsync(
        JsonLinesReader input, TextWriter output, PromptChoice defaults, string? defaultTitle,
        Func<PromptChoice, IReadOnlyList<InputLine>, CancellationToken, Task<IReadOnlyList<string>>> process,
        Action<int>? progress, CancellationToken cancellationToken)
    {
        long count = 0;
        var chunk = new List<(InputLine Line, PromptChoice Choice)>(ChunkSize);
        await foreach ((long lineNumber, string text) in input.ReadAsync(cancellationToken))
        {
            InputLine parsed = InputLine.Parse(text, lineNumber);
            parsed = parsed.Title is null && defaultTitle is not null ? parsed with { Title = defaultTitle } : parsed;
            chunk.Add((parsed, PromptChoice.For(parsed, defaults)));
            count++;
            if (chunk.Count == ChunkSize)
            {
                await WriteChunkAsync(chunk, output, process, progress, cancellationToken);
            }
        }

        await WriteChunkAsync(chunk, output, process, progress, cancellationToken);
        return count;
    }

    private static async Task WriteChunkAsync(
        List<(InputLine Line, PromptChoice Choice)> chunk, TextWriter output,
        Func<PromptChoice, IReadOnlyList<InputLine>, CancellationToken, Task<IReadOnlyList<string>>> process,
        Action<int>? progress, CancellationToken cancellationToken)
    {
        var results = new string[chunk.Count];
        foreach (IGrouping<PromptChoice, int> group in Enumerable.Range(0, chunk.Count).GroupBy(i => chunk[i].Choice))
        {
            int[] positions = group.ToArray();
            IReadOnlyList<string> lines;
            try
            {
                lines = await process(group.Key, Array.ConvertAll(positions, p => chunk[p].Line), cancellationToken);
            }
            catch (EmbeddingGemmaInputException ex) when (ex.InputIndex < positions.Length)
            {
                // The engine names the input by its place in the call; the user knows it by its line.
                throw new InvalidDataException($"line {chunk[positions[ex.InputIndex]].Line.Line}: the text {ex.Reason}", ex);
            }

            for (int i = 0; i < positions.Length; i++)
            {
                results[positions[i]] = lines[i];
            }
        }

        foreach (string line in results)
        {
            await output.WriteLineAsync(line.AsMemory(), cancellationToken);
        }

        progress?.Invoke(chunk.Count);
        chunk.Clear();
    }
}
