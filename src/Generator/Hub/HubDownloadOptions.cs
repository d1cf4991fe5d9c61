namespace SkEmbeddingGemma.Hub;

/// <summary>
/// What <see cref="HuggingFaceHub.DownloadModelAsync(HubDownloadOptions?, IProgress{HubDownloadProgress}?, CancellationToken)"/> fetches and from where. Unset settings follow huggingface_hub's
/// environment variables (<c>HF_ENDPOINT</c>, <c>HF_TOKEN</c>, <c>HF_HOME</c>, <c>HF_HUB_CACHE</c>, <c>HF_HUB_OFFLINE</c>),
/// so .NET and Python tools share one cache.
/// </summary>
/// <remarks>Instances are read once per call and are not thread-safe to change while a download runs.</remarks>
public sealed class HubDownloadOptions
{
    /// <summary>Gets or sets the repository id; the default is <see cref="HuggingFaceHub.DefaultRepository"/>.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    /// <exception cref="ArgumentException">The value is not an <c>org/name</c> repository id.</exception>
    public string Repository
    {
        get;
        set => field = HubNames.ValidateRepository(value, nameof(value));
    } = HuggingFaceHub.DefaultRepository;

    /// <summary>
    /// Gets or sets the branch, tag or commit hash; the default is <c>main</c>. A commit hash never moves, so once cached
    /// it is served without any request.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    /// <exception cref="ArgumentException">The value is empty or could escape the cache.</exception>
    public string Revision
    {
        get;
        set => field = HubNames.ValidateRevision(value, nameof(value));
    } = "main";

    /// <summary>
    /// Gets or sets the graph to fetch from <c>onnx/</c>: <c>model</c> (float32, the default), <c>model_quantized</c>,
    /// <c>model_q4</c>, ... Only that graph and its external data are downloaded; float16 variants are refused.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    /// <exception cref="ArgumentException">The value is blank or a path.</exception>
    public string Variant
    {
        get;
        set => field = HubNames.ValidateVariant(value, nameof(value));
    } = "model";

    /// <summary>Gets or sets the Hub's base address; null for <c>HF_ENDPOINT</c>, else <c>https://huggingface.co</c>.</summary>
    /// <exception cref="ArgumentException">The value is not an absolute http or https address.</exception>
    public string? Endpoint
    {
        get;
        set => field = value is not null && HubNames.EndpointError(value) is { } error
            ? throw new ArgumentException(error, nameof(value))
            : value?.TrimEnd('/');
    }

    /// <summary>
    /// Gets or sets the access token for gated or private repositories; null for <c>HF_TOKEN</c>, else the token file
    /// that <c>hf auth login</c> writes (<c>$HF_HOME/token</c>). It is sent only to the Hub's own host. As in
    /// huggingface_hub, line breaks are dropped and surrounding whitespace is trimmed; a blank token is null.
    /// </summary>
    /// <exception cref="ArgumentException">The token holds a control or non-ASCII character, which cannot be sent in a header.</exception>
    public string? Token
    {
        get;
        set => field = HubNames.CleanToken(value) is { } token && HubNames.TokenError(token, "HubDownloadOptions.Token") is { } error
            ? throw new ArgumentException(error, nameof(value))
            : HubNames.CleanToken(value);
    }

    /// <summary>
    /// Gets or sets the cache root; null for <c>HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else
    /// <c>~/.cache/huggingface/hub</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The value is blank.</exception>
    public string? CacheDirectory
    {
        get;
        set => field = value is not null && string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException("A cache folder cannot be blank; use null for the default.", nameof(value))
            : value;
    }

    /// <summary>
    /// Gets or sets whether a cached branch or tag is checked against the Hub (one metadata request) for a newer commit;
    /// the default is <see langword="true"/>, as in huggingface_hub. When <see langword="false"/>, a complete cached
    /// snapshot of the revision is used without any request, so the model (and the vectors it makes) stays the same until
    /// the revision is changed or the model is downloaded again with this set.
    /// </summary>
    public bool CheckForUpdates { get; set; } = true;

    /// <summary>
    /// Gets or sets whether to use only the cache and never the network; null for <c>HF_HUB_OFFLINE=1</c>. Offline, a
    /// cached branch or tag is trusted as it is.
    /// </summary>
    public bool? Offline { get; set; }

    /// <summary>
    /// Gets or sets whether a file the Hub gives no hash for (no SHA-256, no git blob id: a mirror or proxy with opaque
    /// ETags) is accepted with only its size checked; the default is <see langword="false"/>: such a file is refused with
    /// <see cref="HubErrorKind.Unverifiable"/> before it is downloaded. Files that have a hash are always verified, and a
    /// file that fails its size or hash is never used.
    /// </summary>
    public bool AllowUnverifiedFiles { get; set; }

    /// <summary>
    /// Gets or sets the longest wait for the Hub to answer a request or to send the next bytes of any answer; the default
    /// is one minute. A download that stalls keeps its part, and the next call resumes it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive or is over a day.</exception>
    public TimeSpan ReadTimeout
    {
        get;
        set => field = ValidateSpan(value, nameof(ReadTimeout));
    } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets the slowest average speed, in bytes per second, that an answer may arrive at over
    /// <see cref="MinimumSpeedWindow"/> before it is given up as stalled (a server trickling a few bytes at a time never
    /// trips <see cref="ReadTimeout"/>); 0 turns the floor off. The default is 1,024. The part kept is resumed next time.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long MinimumBytesPerSecond
    {
        get;
        set => field = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "HubDownloadOptions.MinimumBytesPerSecond cannot be negative; use 0 for no minimum speed.");
    } = 1024;

    /// <summary>Gets or sets how long an answer is measured before its speed is judged against <see cref="MinimumBytesPerSecond"/>; the default is one minute.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive or is over a day.</exception>
    public TimeSpan MinimumSpeedWindow
    {
        get;
        set => field = ValidateSpan(value, nameof(MinimumSpeedWindow));
    } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets the most bytes accepted for the Hub's file list and for each configuration or tokenizer file; the
    /// default is 64 MiB. A larger answer is refused (<see cref="HubErrorKind.InvalidResponse"/>) instead of filling
    /// memory or the disk. The graph and its external data are bounded by their announced, verified size instead.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is under 1 KiB or over 1 GiB.</exception>
    public long MaxMetadataBytes
    {
        get;
        set => field = value is >= 1024 and <= 1L << 30
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "HubDownloadOptions.MaxMetadataBytes must be between 1 KiB (1024) and 1 GiB.");
    } = 64L << 20;

    /// <summary>
    /// Gets or sets the client for every request; null for a shared one. It should not follow redirects by itself
    /// (<see cref="SocketsHttpHandler.AllowAutoRedirect"/> false): the downloader follows them so that it can read the
    /// Hub's headers and keep the token off other hosts.
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    private static TimeSpan ValidateSpan(TimeSpan value, string name) =>
        value > TimeSpan.Zero && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"HubDownloadOptions.{name} must be positive and at most a day.");
}
