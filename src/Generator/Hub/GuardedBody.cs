using System.Diagnostics;
using System.Globalization;

namespace SkEmbeddingGemma.Hub;

/// <summary>
/// Reads a response body under <see cref="TransferLimits"/>: each read waits at most the read timeout, and a body that
/// keeps trickling below the minimum speed fails too, so no server can hold a download open forever.
/// </summary>
internal sealed class GuardedBody
{
    private readonly Stream _body;
    private readonly TransferLimits _limits;
    private readonly string _what;
    private readonly string _remedy;
    private long _windowStart = Stopwatch.GetTimestamp();
    private long _windowBytes;
    private long _total;

    /// <param name="body">The response body.</param>
    /// <param name="limits">The limits to enforce.</param>
    /// <param name="what">What is read, for messages: "the download of onnx/model.onnx" or "the file list from URL".</param>
    /// <param name="remedy">What to do after a stall, for messages.</param>
    public GuardedBody(Stream body, TransferLimits limits, string what, string remedy)
    {
        _body = body;
        _limits = limits;
        _what = what;
        _remedy = remedy;
    }

    /// <summary>Reads the next bytes; 0 at the end of the body.</summary>
    /// <exception cref="HubDownloadException">No byte came within the read timeout, or the body is slower than the minimum speed.</exception>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_limits.ReadTimeout);
            try
            {
                read = await _body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HubDownloadException(
                    HubErrorKind.Network,
                    string.Create(CultureInfo.InvariantCulture, $"{Capitalized} stalled: nothing arrived for {_limits.ReadTimeout.TotalSeconds:0.#} s (HubDownloadOptions.ReadTimeout) after {_total:N0} bytes. {_remedy}"),
                    innerException: ex);
            }
        }

        _total += read;
        _windowBytes += read;
        TimeSpan elapsed = Stopwatch.GetElapsedTime(_windowStart);
        if (read > 0 && _limits.MinimumBytesPerSecond > 0 && elapsed >= _limits.MinimumSpeedWindow)
        {
            if (_windowBytes < _limits.MinimumBytesPerSecond * elapsed.TotalSeconds)
            {
                throw new HubDownloadException(
                    HubErrorKind.Network,
                    string.Create(CultureInfo.InvariantCulture, $"{Capitalized} is too slow: {_windowBytes:N0} bytes in the last {elapsed.TotalSeconds:0.#} s, under the minimum of {_limits.MinimumBytesPerSecond:N0} bytes/s (HubDownloadOptions.MinimumBytesPerSecond). {_remedy}"));
            }

            _windowStart = Stopwatch.GetTimestamp();
            _windowBytes = 0;
        }

        return read;
    }

    private string Capitalized => char.ToUpperInvariant(_what[0]) + _what[1..];
}
