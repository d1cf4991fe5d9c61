using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace SkEmbeddingGemma.Hub.Tests;

/// <summary>One request as a server saw it.</summary>
internal sealed record RecordedRequest(string Server, string Method, string Path, string? Range, string? Authorization);

/// <summary>
/// A Hugging Face Hub on 127.0.0.1 with the real URL layout and headers: <c>/api/models/{repo}/revision/{rev}</c>,
/// <c>/{repo}/resolve/{rev}/{path}</c> (HEAD and GET; regular files served with a git-SHA-1 ETag, LFS files as a 302 to
/// a CDN on another port with <c>X-Linked-Etag</c> / <c>X-Linked-Size</c>), Range support, and fault injection.
/// </summary>
internal sealed class FakeHub : IAsyncDisposable
{
    public const string Repository = "test-org/tiny-model";
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private readonly WebApplication _hub;
    private readonly WebApplication _cdn;

    private FakeHub(IReadOnlyDictionary<string, byte[]> files, string repository, WebApplication hub, WebApplication cdn)
    {
        Files = new Dictionary<string, byte[]>(files, StringComparer.Ordinal);
        ServedRepository = repository;
        _hub = hub;
        _cdn = cdn;
    }

    public Dictionary<string, byte[]> Files { get; }

    /// <summary>The one repository this Hub has; every other answers 404.</summary>
    public string ServedRepository { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Paths whose next GET stops after this many bytes and aborts the connection (one shot).</summary>
    public ConcurrentDictionary<string, long> DropAfter { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths served with one byte flipped, so the checksum fails.</summary>
    public ConcurrentDictionary<string, bool> Corrupt { get; } = new(StringComparer.Ordinal);

    /// <summary>Extra names in the file list (not downloadable), e.g. an unsafe path.</summary>
    public List<string> ExtraListing { get; } = [];

    /// <summary>Whether the listing answers <c>blobs=true</c> with sizes and hashes, as the real Hub does.</summary>
    public bool ListingMetadata { get; set; } = true;

    /// <summary>Paths the listing describes as these bytes instead of the served ones.</summary>
    public ConcurrentDictionary<string, byte[]> ListingOverride { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, ETag and X-Linked-Etag are opaque (not hex hashes), as some mirrors and proxies send them.</summary>
    public bool OpaqueEtags { get; set; }

    /// <summary>Paths whose GET body is cut or zero-padded to this many bytes, while HEAD still announces the real size.</summary>
    public ConcurrentDictionary<string, int> ServedLength { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, file bodies trickle out in <see cref="TrickleChunk"/>-byte chunks with this pause between them.</summary>
    public TimeSpan? Trickle { get; set; }

    /// <summary>The bytes sent between two pauses of <see cref="Trickle"/>.</summary>
    public int TrickleChunk { get; set; } = 4096;

    /// <summary>When set, the listing sends its headers and the start of its body, then nothing more.</summary>
    public bool StallListing { get; set; }

    /// <summary>When set, the listing's body never ends.</summary>
    public bool EndlessListing { get; set; }

    /// <summary>When set, the Hub answers 401 without this bearer token and 403 with another one.</summary>
    public string? RequiredToken { get; set; }

    public string Endpoint { get; private set; } = string.Empty;

    public string CdnEndpoint { get; private set; } = string.Empty;

    public static bool IsLfs(string path) => path.StartsWith("onnx/", StringComparison.Ordinal) || path.StartsWith("tokenizer.", StringComparison.Ordinal);

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string GitSha1(byte[] data)
    {
        byte[] header = Encoding.ASCII.GetBytes($"blob {data.Length}\0");
#pragma warning disable CA5350 // git object ids are SHA-1.
        return Convert.ToHexStringLower(SHA1.HashData([.. header, .. data]));
#pragma warning restore CA5350
    }

    public static string Etag(string path, byte[] data) => IsLfs(path) ? Sha256(data) : GitSha1(data);

    public IEnumerable<RecordedRequest> FileGets(string path) =>
        Requests.Where(r => r.Method == "GET" && (r.Path.EndsWith("/" + path, StringComparison.Ordinal) || r.Path.EndsWith("/cdn/" + Sha256(Files[path]), StringComparison.Ordinal)));

    public static async Task<FakeHub> StartAsync(IReadOnlyDictionary<string, byte[]> files, string repository = Repository)
    {
        FakeHub? hub = null;
        WebApplication hubApp = Build(context => hub!.HandleHubAsync(context));
        WebApplication cdnApp = Build(context => hub!.HandleCdnAsync(context));
        hub = new FakeHub(files, repository, hubApp, cdnApp);
        await hubApp.StartAsync();
        await cdnApp.StartAsync();
        hub.Endpoint = hubApp.Urls.Single().TrimEnd('/');
        hub.CdnEndpoint = cdnApp.Urls.Single().TrimEnd('/');
        return hub;
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _cdn.DisposeAsync();
    }

    private static WebApplication Build(RequestDelegate handler)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.Run(handler);
        return app;
    }

    private async Task HandleHubAsync(HttpContext context)
    {
        string raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        string path = raw.Split('?')[0];
        Record("hub", context, path);
        if (RequiredToken is not null)
        {
            string? authorization = context.Request.Headers.Authorization;
            if (authorization is null)
            {
                await Error(context, 401, "GatedRepo");
                return;
            }

            if (authorization != "Bearer " + RequiredToken)
            {
                await Error(context, 403, "GatedRepo");
                return;
            }
        }

        const string Api = "/api/models/";
        if (path.StartsWith(Api, StringComparison.Ordinal))
        {
            string rest = path[Api.Length..];
            int at = rest.IndexOf("/revision/", StringComparison.Ordinal);
            if (at < 0 || rest[..at] != ServedRepository)
            {
                await Error(context, 404, "RepoNotFound");
                return;
            }

            if (Uri.UnescapeDataString(rest[(at + "/revision/".Length)..]) is not ("main" or Commit))
            {
                await Error(context, 404, "RevisionNotFound");
                return;
            }

            if (StallListing || EndlessListing)
            {
                await BadListingAsync(context);
                return;
            }

            bool blobs = ListingMetadata && context.Request.Query["blobs"] == "true";
            var listing = new
            {
                id = ServedRepository,
                sha = Commit,
                siblings = Files.Keys.Concat(ExtraListing).Select(f => blobs && Files.TryGetValue(f, out byte[]? data) ? Sibling(f, ListingOverride.GetValueOrDefault(f, data)) : (object)new { rfilename = f }).ToArray(),
            };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize<object>(listing));
            return;
        }

        int resolve = path.IndexOf("/resolve/", StringComparison.Ordinal);
        if (resolve < 0 || path[1..resolve] != ServedRepository)
        {
            await Error(context, 404, "RepoNotFound");
            return;
        }

        string tail = path[(resolve + "/resolve/".Length)..];
        int slash = tail.IndexOf('/', StringComparison.Ordinal);
        string revision = Uri.UnescapeDataString(tail[..slash]);
        string file = string.Join('/', tail[(slash + 1)..].Split('/').Select(Uri.UnescapeDataString));
        if (revision is not ("main" or Commit))
        {
            await Error(context, 404, "RevisionNotFound");
            return;
        }

        if (!Files.TryGetValue(file, out byte[]? data))
        {
            await Error(context, 404, "EntryNotFound");
            return;
        }

        context.Response.Headers["X-Repo-Commit"] = Commit;
        if (IsLfs(file))
        {
            string sha = Sha256(data);
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = $"{CdnEndpoint}/cdn/{sha}?file={Uri.EscapeDataString(file)}";
            context.Response.Headers["X-Linked-Etag"] = OpaqueEtags ? $"W/\"{OpaqueEtag(data)}\"" : $"\"{sha}\"";
            context.Response.Headers["X-Linked-Size"] = data.Length.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.ETag = "\"pointer-etag-not-the-blob\"";
            return;
        }

        context.Response.Headers.ETag = OpaqueEtags ? $"W/\"{OpaqueEtag(data)}\"" : $"\"{GitSha1(data)}\"";
        await ServeAsync(context, file, data);
    }

    private async Task BadListingAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        try
        {
            await context.Response.WriteAsync($"{{\"id\":\"{ServedRepository}\",\"sha\":\"{Commit}\",\"siblings\":[", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (StallListing)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }

            byte[] chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"rfilename\":\"filler.bin\"},", 1000)));
            while (true)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client gave up, as it should.
        }
    }

    // As /api/models/{repo}/revision/{rev}?blobs=true lists a file: an LFS file's blobId is its pointer's.
    private static object Sibling(string path, byte[] data) => IsLfs(path)
        ? (object)new
        {
            rfilename = path,
            size = data.Length,
            blobId = GitSha1(Encoding.ASCII.GetBytes($"version https://git-lfs.github.com/spec/v1\noid sha256:{Sha256(data)}\nsize {data.Length}\n")),
            lfs = new { sha256 = Sha256(data), size = data.Length, pointerSize = 134 },
        }
        : new { rfilename = path, size = data.Length, blobId = GitSha1(data) };

    /// <summary>The ETag an opaque mirror would send: stable, a safe blob name, and not a hex hash.</summary>
    public static string OpaqueEtag(byte[] data) => "opaque-" + Sha256(data)[..16];

    private async Task HandleCdnAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? string.Empty;
        Record("cdn", context, path);
        KeyValuePair<string, byte[]> match = Files.FirstOrDefault(f => "/cdn/" + Sha256(f.Value) == path);
        if (match.Key is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        await ServeAsync(context, match.Key, match.Value);
    }

    private async Task ServeAsync(HttpContext context, string file, byte[] data)
    {
        if (Corrupt.ContainsKey(file))
        {
            data = (byte[])data.Clone();
            data[data.Length / 2] ^= 0xFF;
        }

        if (HttpMethods.IsGet(context.Request.Method) && ServedLength.TryGetValue(file, out int served))
        {
            byte[] resized = new byte[served];
            data.AsSpan(0, Math.Min(served, data.Length)).CopyTo(resized);
            data = resized;
        }

        long start = 0;
        string? range = context.Request.Headers.Range;
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
            if (start >= data.Length)
            {
                context.Response.StatusCode = 416;
                return;
            }

            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {start}-{data.Length - 1}/{data.Length}";
        }

        context.Response.ContentLength = data.Length - start;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        long stopAt = context.Request.Method == "GET" && DropAfter.TryRemove(file, out long after) ? after : long.MaxValue;
        int chunk = Trickle is null ? 64 * 1024 : TrickleChunk;
        for (long offset = start; offset < data.Length; offset += chunk)
        {
            int count = (int)Math.Min(chunk, data.Length - offset);
            if (offset + count > stopAt)
            {
                await context.Response.Body.WriteAsync(data.AsMemory((int)offset, (int)(stopAt - offset)));
                await context.Response.Body.FlushAsync();
                context.Abort();
                return;
            }

            await context.Response.Body.WriteAsync(data.AsMemory((int)offset, count), context.RequestAborted);
            // No pause after the last chunk: the client has the whole body, and its connection serves the next request.
            if (Trickle is { } pause && offset + count < data.Length)
            {
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(pause, context.RequestAborted);
            }
        }
    }

    private void Record(string server, HttpContext context, string path) =>
        Requests.Enqueue(new RecordedRequest(server, context.Request.Method, path, context.Request.Headers.Range, context.Request.Headers.Authorization));

    private static Task Error(HttpContext context, int status, string code)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["X-Error-Code"] = code;
        return context.Response.WriteAsync($"{{\"error\":\"{code}\"}}");
    }
}
