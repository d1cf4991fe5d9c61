using System.Net;
using System.Text;

namespace SkEmbeddingGemma.AspNetCore.Tests.Support;

/// <summary>
/// A request body sent in two parts: the first at once, the rest when <see cref="Release"/> is called. Until then the
/// request is in flight on the server (its handler is reading the body), which lets a test hold one open.
/// </summary>
public sealed class HeldBody(string json) : HttpContent
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        int half = bytes.Length / 2;
        await stream.WriteAsync(bytes.AsMemory(0, half));
        await stream.FlushAsync();
        await _release.Task;
        await stream.WriteAsync(bytes.AsMemory(half));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
