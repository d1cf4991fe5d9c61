namespace SkEmbeddingGemma.Hub;

/// <summary>Why a Hugging Face Hub download failed; each kind has its own remedy.</summary>
public enum HubErrorKind
{
    /// <summary>The Hub wants credentials (401): the repository is gated or private, or the token is invalid.</summary>
    Unauthorized,

    /// <summary>The Hub refused the token (403): the licence of a gated repository has not been accepted.</summary>
    Forbidden,

    /// <summary>The repository, the revision or the variant's file does not exist (404).</summary>
    NotFound,

    /// <summary>Offline mode is on and the cache does not hold the model.</summary>
    Offline,

    /// <summary>A downloaded file did not match the size or checksum the Hub announced; the partial file was deleted.</summary>
    Corrupt,

    /// <summary>The connection failed, dropped or stalled; a partial file is kept and resumed by the next call.</summary>
    Network,

    /// <summary>The disk holding the cache is full; a partial file is kept and resumed once space is freed.</summary>
    DiskFull,

    /// <summary>The server's answer is not what a Hugging Face Hub sends (missing headers, unsafe file names, bad JSON).</summary>
    InvalidResponse,

    /// <summary>
    /// A folder or file in the cache is a link the downloader did not make, or leads outside the cache; nothing was
    /// written through it.
    /// </summary>
    UnsafeCache,

    /// <summary>
    /// The Hub gave no hash for a file (no SHA-256, no git blob id), so its content cannot be verified; set
    /// <see cref="HubDownloadOptions.AllowUnverifiedFiles"/> to accept files checked by size only.
    /// </summary>
    Unverifiable,

    /// <summary>
    /// The access token (<c>HF_TOKEN</c>, the token file or <see cref="HubDownloadOptions.Token"/>) holds a control or
    /// non-ASCII character, so it cannot be sent; nothing was requested.
    /// </summary>
    InvalidToken,
}
