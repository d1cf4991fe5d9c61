using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// Reads JSON lines as UTF-8 from a stream: lines end at <c>\n</c>, <c>\r\n</c> or <c>\r</c>, a leading UTF-8 byte order
/// mark is dropped, blank (whitespace-only) lines are skipped but counted, and invalid UTF-8 bytes become U+FFFD, with a
/// warning naming the line when a warning writer is given.
/// </summary>
internal sealed class JsonLinesReader : IDisposable
{
    /// <summary>Lines with invalid UTF-8 named one by one on stderr; later ones are only counted, so output stays bounded.</summary>
    private const int NamedInvalidLines = 10;

    private readonly Stream _stream;
    private readonly TextWriter? _warnings;
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _endOfStream;
    private bool _skipLineFeed;
    private long _lineNumber;
    private long _invalidLines;
    private long _lastInvalidLine;

    /// <summary>Reads <paramref name="stream"/>, which the reader owns; <paramref name="warnings"/> gets invalid-UTF-8 warnings.</summary>
    public JsonLinesReader(Stream stream, TextWriter? warnings)
    {
        _stream = stream;
        _warnings = warnings;
    }

    /// <summary>Reads the non-blank lines with their 1-based line numbers.</summary>
    public async IAsyncEnumerable<(long Line, string Text)> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return (_lineNumber, line);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    private async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        int searched = 0;
        while (true)
        {
            if (_skipLineFeed && _end > _start)
            {
                // The previous line ended in \r: a \n right after it belongs to that line ending.
                _skipLineFeed = false;
                if (_buffer[_start] == (byte)'\n')
                {
                    _start++;
                    continue;
                }
            }

            int end = _skipLineFeed ? -1 : _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOfAny((byte)'\n', (byte)'\r');
            if (end >= 0)
            {
                end += _start + searched;
                string line = Decode(_buffer.AsSpan(_start, end - _start));
                _skipLineFeed = _buffer[end] == (byte)'\r';
                _start = end + 1;
                return line;
            }

            if (_endOfStream)
            {
                if (_start == _end)
                {
                    ReportSummary();
                    return null;
                }

                string last = Decode(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
                return last;
            }

            searched = _skipLineFeed ? 0 : _end - _start;
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // One line longer than the buffer: grow it to hold the line.
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        _endOfStream = read == 0;
    }

    private string Decode(ReadOnlySpan<byte> bytes)
    {
        _lineNumber++;
        if (_lineNumber == 1 && bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        }

        if (!Utf8.IsValid(bytes))
        {
            ReportInvalid();
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private void ReportInvalid()
    {
        _invalidLines++;
        _lastInvalidLine = _lineNumber;
        if (_warnings is not null && _invalidLines <= NamedInvalidLines)
        {
            _warnings.WriteLine($"embeddinggemma: warning: line {_lineNumber}: invalid UTF-8 bytes replaced by U+FFFD.");
        }
    }

    private void ReportSummary()
    {
        if (_warnings is not null && _invalidLines > NamedInvalidLines)
        {
            _warnings.WriteLine(
                $"embeddinggemma: warning: {_invalidLines - NamedInvalidLines} more lines (the last: line {_lastInvalidLine}) had invalid UTF-8 bytes replaced by U+FFFD.");
            _invalidLines = NamedInvalidLines;
        }
    }
}
