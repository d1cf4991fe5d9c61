using Spectre.Console;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// A progress line on standard error for long file inputs, drawn only on an interactive terminal so pipes and logs stay
/// clean.
/// </summary>
internal sealed class ProgressReporter : IDisposable
{
    private const long MinimumBytes = 256 * 1024;

    private readonly IAnsiConsole? _console;
    private readonly long _totalLines;
    private long _done;
    private DateTime _lastDraw;

    private ProgressReporter(IAnsiConsole? console, long totalLines)
    {
        _console = console;
        _totalLines = totalLines;
    }

    /// <summary>Creates a reporter for an input path; silent for stdin, small files and redirected stderr.</summary>
    public static ProgressReporter Create(string inputPath)
    {
        if (inputPath == "-" || Console.IsErrorRedirected || !File.Exists(inputPath) || new FileInfo(inputPath).Length < MinimumBytes)
        {
            return new ProgressReporter(null, 0);
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return new ProgressReporter(console, File.ReadLines(inputPath).LongCount());
    }

    /// <summary>Records finished lines and redraws at most a few times a second.</summary>
    public void Advance(int lines)
    {
        _done += lines;
        if (_console is null || (DateTime.UtcNow - _lastDraw).TotalMilliseconds < 200)
        {
            return;
        }

        _lastDraw = DateTime.UtcNow;
        double fraction = _totalLines == 0 ? 1 : Math.Min(1, (double)_done / _totalLines);
        int filled = (int)(fraction * 40);
        _console.Write(new Text($"\r[{new string('#', filled)}{new string('-', 40 - filled)}] {_done}/{_totalLines} lines"));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_console is not null && _done > 0)
        {
            _lastDraw = DateTime.MinValue;
            Advance(0);
            _console.WriteLine();
        }
    }
}
