using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace SkEmbeddingGemma.Hub;

/// <summary>
/// The Hub's HTTP surface: the revision listing, HEAD metadata and file GETs. Redirects are followed here, not by the
/// handler, so the Hub's headers on a 302 are read and the token goes only to the Hub's own host.
/// </summary>
internal sealed class HubClient
{
    private const int MaxRedirects = 10;

    private static readonly Lazy<HttpClient> s_shared = new(CreateSharedClient);

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string? _token;
    private readonly string _repository;
    private readonly string _revision;

    public HubClient(HttpClient? http, string endpoint, string? token, string repository, string revision, TransferLimits limits)
    {
        Limits = limits;
        _http = http ?? s_shared.Value;
        _endpoint = Uri.TryCreate(endpoint.TrimEnd('/') + "/", UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"The Hub endpoint '{endpoint}' (HF_ENDPOINT or HubDownloadOptions.Endpoint) is not an http(s) address such as https://huggingface.co.", nameof(endpoint));
        _token = string.IsNullOrWhiteSpace(token) ? null : token;
        _repository = repository;
        _revision = revision;
    }

    /// <summary>The timeouts, minimum speed and size caps every response obeys.</summary>
    public TransferLimits Limits { get; }

    /// <summary>The Hub's address, for messages.</summary>
    public string Endpoint => _endpoint.ToString().TrimEnd('/');

    /// <summary>One metadata call: the commit the revision points to and the repository's files.</summary>
    public async Task<RepoListing> GetListingAsync(CancellationToken cancellationToken)
    {
        // blobs=true (huggingface_hub's files_metadata) adds each file's size, git blob id and LFS SHA-256.
        Uri uri = new(_endpoint, $"api/models/{_repository}/revision/{Uri.EscapeDataString(_revision)}?blobs=true");
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, uri, 0, "the file list", cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response, null);
        }

        byte[] json = await ReadMetadataAsync(response, uri, cancellationToken).ConfigureAwait(false);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            string commit = document.RootElement.GetProperty("sha").GetString() ?? string.Empty;
            RepoFile[] files = document.RootElement.GetProperty("siblings").EnumerateArray().Select(ReadSibling).ToArray();
            return HubNames.IsCommitHash(commit)
                ? new RepoListing(commit, files)
                : throw new HubDownloadException(HubErrorKind.InvalidResponse, $"{Endpoint} listed {_repository}@{_revision} without a commit hash; is it a Hugging Face Hub?");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new HubDownloadException(HubErrorKind.InvalidResponse, $"{Endpoint} sent an unreadable file list for {_repository}@{_revision}; is it a Hugging Face Hub?", innerException: ex);
        }
    }

    /// <summary>
    /// Reads a metadata body whole, under the read timeout and minimum speed, and never more than
    /// <see cref="TransferLimits.MaxMetadataBytes"/>: an endless or stalled answer fails instead of filling memory or hanging.
    /// </summary>
    private async Task<byte[]> ReadMetadataAsync(HttpResponseMessage response, Uri uri, CancellationToken cancellationToken)
    {
        long cap = Limits.MaxMetadataBytes;
        string what = $"the file list from {uri}";
        if (response.Content.Headers.ContentLength > cap)
        {
            throw TooLarge("The" + what[3..], cap);
        }

        try
        {
            Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var body = new GuardedBody(stream, Limits, what, "Try again later.");
                using var buffer = new MemoryStream();
                byte[] chunk = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > cap)
                    {
                        throw TooLarge("The" + what[3..], cap);
                    }

                    buffer.Write(chunk, 0, read);
                }

                return buffer.ToArray();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new HubDownloadException(HubErrorKind.Network, $"The connection dropped while reading {what}: {ex.Message} Try again.", innerException: ex);
        }
    }

    /// <summary>The error for a metadata answer or file over <see cref="TransferLimits.MaxMetadataBytes"/>.</summary>
    public static HubDownloadException TooLarge(string what, long cap) => new(
        HubErrorKind.InvalidResponse,
        string.Create(CultureInfo.InvariantCulture, $"{what} is over the {cap:N0}-byte cap for metadata (HubDownloadOptions.MaxMetadataBytes); is it a Hugging Face Hub? Nothing was kept."));

    // Optional fields are read when they have the expected type and ignored otherwise: only rfilename is required.
    private static RepoFile ReadSibling(JsonElement sibling)
    {
        string path = sibling.GetProperty("rfilename").GetString() ?? string.Empty;
        long? size = Number(sibling, "size");
        string? blobId = sibling.TryGetProperty("blobId", out JsonElement id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        if (sibling.TryGetProperty("lfs", out JsonElement lfs) && lfs.ValueKind == JsonValueKind.Object)
        {
            // The revision listing names the hash sha256, the tree listing oid.
            string? sha256 = (lfs.TryGetProperty("sha256", out JsonElement sha) || lfs.TryGetProperty("oid", out sha)) && sha.ValueKind == JsonValueKind.String
                ? HubNames.AsSha256(sha.GetString())
                : null;
            return new RepoFile(path, Number(lfs, "size") ?? size, null, sha256, IsLfs: true);
        }

        return new RepoFile(path, size, HubNames.AsGitSha1(blobId), null, IsLfs: false);

        static long? Number(JsonElement element, string name) =>
            element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) && number >= 0
                ? number
                : null;
    }

    /// <summary>
    /// HEAD on <c>resolve/{commit}/{path}</c>, following only same-host redirects (renamed repositories); a redirect to
    /// another host (the LFS CDN) stops there and its <c>Location</c> is where the bytes are.
    /// </summary>
    /// <remarks>
    /// The hashes the content must have come from the headers (<c>X-Linked-Etag</c> of LFS files, a hex <c>ETag</c> of
    /// regular files) and from the listing (<paramref name="listed"/>); where both give one they must agree.
    /// </remarks>
    public async Task<HubFileMetadata> HeadAsync(string commit, string path, RepoFile? listed, CancellationToken cancellationToken)
    {
        Uri uri = ResolveUri(commit, path);
        for (int hop = 0; ; hop++)
        {
            using HttpResponseMessage response = await SendOnceAsync(HttpMethod.Head, uri, 0, path, cancellationToken).ConfigureAwait(false);
            if (response.RequestMessage?.RequestUri is { } answered && !IsHub(answered))
            {
                // The handler followed the CDN redirect itself: the Hub's X-Linked-* headers are lost with it.
                throw new HubDownloadException(
                    HubErrorKind.InvalidResponse,
                    "The HttpClient given in HubDownloadOptions follows redirects by itself, which hides the Hub's file headers. " +
                    "Create it over a handler with AllowAutoRedirect = false, or leave HttpClient null.");
            }

            Uri? location = RedirectTarget(response, uri);
            if (location is not null && IsHub(location) && hop < MaxRedirects)
            {
                uri = location;
                continue;
            }

            if (location is null && !response.IsSuccessStatusCode)
            {
                throw Failure(response, path);
            }

            if (Header(response, "X-Repo-Commit") is { } served && HubNames.IsCommitHash(served) && served != commit)
            {
                throw new HubDownloadException(
                    HubErrorKind.InvalidResponse, $"{Endpoint} answered for commit {served} when asked for {commit} ({path} in {_repository}); run again.");
            }

            string? linked = Header(response, "X-Linked-Etag") is { } linkedHeader ? NormalizeEtag(linkedHeader) : null;
            string? plain = (response.Headers.ETag?.Tag ?? Header(response, "ETag")) is { } plainHeader ? NormalizeEtag(plainHeader) : null;
            string? etag = linked ?? plain;
            string? sizeHeader = Header(response, "X-Linked-Size") ?? response.Content.Headers.ContentLength?.ToString(CultureInfo.InvariantCulture);
            long? announced = long.TryParse(sizeHeader, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) ? parsed : null;
            if (etag is null || !HubNames.IsSafeEtag(etag) || (announced ?? listed?.Size) is not long size)
            {
                throw new HubDownloadException(
                    HubErrorKind.InvalidResponse,
                    $"{Endpoint} sent no usable ETag or size for {path} in {_repository}; is it a Hugging Face Hub, and does the HttpClient leave redirects to the downloader?");
            }

            if (announced is not null && listed?.Size is long listedSize && listedSize != announced)
            {
                throw Disagree(path, "size", listedSize.ToString("N0", CultureInfo.InvariantCulture), announced.Value.ToString("N0", CultureInfo.InvariantCulture));
            }

            // An LFS file's ETag and blob id describe its pointer, never its content; X-Linked-Etag is its SHA-256.
            bool lfs = linked is not null || listed?.IsLfs == true;
            string? sha256 = Agree(path, "SHA-256", HubNames.AsSha256(linked), listed?.LfsSha256, lfs ? null : HubNames.AsSha256(plain));
            string? gitBlobId = lfs ? null : Agree(path, "git blob id", HubNames.AsGitSha1(plain), listed?.GitBlobId, null);
            return new HubFileMetadata(etag, size, location ?? uri, sha256, gitBlobId);
        }
    }

    private string? Agree(string path, string what, string? first, string? second, string? third)
    {
        string? value = first ?? second ?? third;
        foreach (string? other in (string?[])[first, second, third])
        {
            if (other is not null && other != value)
            {
                throw Disagree(path, what, value!, other);
            }
        }

        return value;
    }

    private HubDownloadException Disagree(string path, string what, string first, string second) => new(
        HubErrorKind.InvalidResponse,
        $"{Endpoint} gave two different values for the {what} of {path} in {_repository} ({first} and {second}), so it cannot be verified; nothing was downloaded. Run again.");

    /// <summary>GETs a file from <paramref name="offset"/> on, following redirects; the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> GetFileAsync(Uri location, long offset, string path, CancellationToken cancellationToken)
    {
        Uri uri = location;
        for (int hop = 0; ; hop++)
        {
            HttpResponseMessage response = await SendOnceAsync(HttpMethod.Get, uri, offset, path, cancellationToken).ConfigureAwait(false);
            Uri? next = RedirectTarget(response, uri);
            if (next is not null && hop < MaxRedirects)
            {
                response.Dispose();
                uri = next;
                continue;
            }

            if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                return response;
            }

            using (response)
            {
                throw Failure(response, path);
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, long offset, string what, CancellationToken cancellationToken)
    {
        for (int hop = 0; ; hop++)
        {
            HttpResponseMessage response = await SendOnceAsync(method, uri, offset, what, cancellationToken).ConfigureAwait(false);
            Uri? next = RedirectTarget(response, uri);
            if (next is null || hop >= MaxRedirects)
            {
                return response;
            }

            response.Dispose();
            uri = next;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri uri, long offset, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);

        // Sizes and hashes describe the stored bytes, so no transfer encoding may change them.
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        if (_token is not null && IsHub(uri))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        // The read timeout covers the wait for headers too, whatever timeout a caller's HttpClient has.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limits.ReadTimeout);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new HubDownloadException(HubErrorKind.Network, $"Could not reach {uri.GetLeftPart(UriPartial.Authority)} for {what} of {_repository}: {ex.Message} Check the connection, or set HF_HUB_OFFLINE=1 to use the cache.", innerException: ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HubDownloadException(
                HubErrorKind.Network,
                string.Create(CultureInfo.InvariantCulture, $"{uri.GetLeftPart(UriPartial.Authority)} did not answer in time ({Limits.ReadTimeout.TotalSeconds:0.#} s, HubDownloadOptions.ReadTimeout) for {what} of {_repository}; try again."),
                innerException: ex);
        }
    }

    /// <summary>The error a user can act on for a failed response; never mentions the token itself.</summary>
    public HubDownloadException Failure(HttpResponseMessage response, string? path)
    {
        HttpStatusCode status = response.StatusCode;
        string code = Header(response, "X-Error-Code") ?? string.Empty;
        string page = $"{Endpoint}/{_repository}";
        string tokenHint = _token is null
            ? "No token was sent: set HF_TOKEN (or HubDownloadOptions.Token, or run `hf auth login`)"
            : "The token that was sent was not accepted: check HF_TOKEN (or HubDownloadOptions.Token)";
        return status switch
        {
            HttpStatusCode.Unauthorized => new HubDownloadException(
                HubErrorKind.Unauthorized,
                $"The Hub at {Endpoint} needs authentication for {_repository} (401). If it is gated or private (google/embeddinggemma-300m is gated), " +
                $"accept its licence at {page} and use a read token from that account. {tokenHint}. If it should be public, check the repository id.",
                status),
            HttpStatusCode.Forbidden => new HubDownloadException(
                HubErrorKind.Forbidden,
                $"The Hub at {Endpoint} refused access to {_repository} (403). It is gated: sign in at {page}, accept the licence, and use a token " +
                $"from that account (fine-grained tokens need read access to gated repositories). {tokenHint}.",
                status),
            HttpStatusCode.NotFound when code == "RevisionNotFound" || (path is null && code != "RepoNotFound" && code.Length > 0) => new HubDownloadException(
                HubErrorKind.NotFound, $"The revision '{_revision}' does not exist in {_repository} at {Endpoint} (404): use a branch, tag or commit hash listed at {page}.", status),
            HttpStatusCode.NotFound when code == "EntryNotFound" || (path is not null && code.Length == 0) => new HubDownloadException(
                HubErrorKind.NotFound, $"{path} does not exist in {_repository}@{_revision} at {Endpoint} (404): check the variant and revision.", status),
            HttpStatusCode.NotFound when code == "RepoNotFound" => new HubDownloadException(
                HubErrorKind.NotFound, $"The repository {_repository} does not exist at {Endpoint} (404): check the id (the default is {HuggingFaceHub.DefaultRepository}); private repositories also need HF_TOKEN.", status),
            HttpStatusCode.NotFound => new HubDownloadException(
                HubErrorKind.NotFound, $"{_repository}@{_revision} was not found at {Endpoint} (404): check the repository id and the revision.", status),
            HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError => new HubDownloadException(
                HubErrorKind.Network, $"The Hub at {Endpoint} answered {(int)status} for {path ?? "the file list"} of {_repository}; try again later (a partial download is resumed).", status),
            _ => new HubDownloadException(
                HubErrorKind.InvalidResponse, $"The Hub at {Endpoint} answered {(int)status} {response.ReasonPhrase} for {path ?? "the file list"} of {_repository}.", status),
        };
    }

    private Uri ResolveUri(string commit, string path) =>
        new(_endpoint, $"{_repository}/resolve/{Uri.EscapeDataString(commit)}/{HubNames.EscapePath(path)}");

    // The token's audience: the Hub's scheme, host and port exactly; a CDN or any other host never sees it.
    private bool IsHub(Uri uri) =>
        string.Equals(uri.Scheme, _endpoint.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.IdnHost, _endpoint.IdnHost, StringComparison.OrdinalIgnoreCase)
        && uri.Port == _endpoint.Port;

    private static Uri? RedirectTarget(HttpResponseMessage response, Uri requestUri) =>
        (int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location
            ? (location.IsAbsoluteUri ? location : new Uri(requestUri, location))
            : null;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    // huggingface_hub: etag.lstrip("W/").strip('"').
    private static string NormalizeEtag(string etag) =>
        (etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag).Trim('"');

    private static HttpClient CreateSharedClient()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };

        // The timeout covers each request up to its headers; bodies have their own stall timeout.
        var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("SkEmbeddingGemma", typeof(HubClient).Assembly.GetName().Version?.ToString() ?? "0"));
        return client;
    }
}
