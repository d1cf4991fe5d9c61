namespace SkEmbeddingGemma.Hub;

/// <summary>What the Hub tells about a file (its HEAD headers checked against its listing), read as huggingface_hub reads it.</summary>
/// <param name="Etag">The blob name: the SHA-256 of LFS files (<c>X-Linked-Etag</c>), the git SHA-1 of others (<c>ETag</c>).</param>
/// <param name="Size">The file's size (<c>X-Linked-Size</c>, else <c>Content-Length</c>, else the listing's).</param>
/// <param name="Location">Where to GET the bytes: the CDN address of a redirect, or the resolve address itself.</param>
/// <param name="Sha256">The SHA-256 the content must have, when the Hub gave one (lowercase hex).</param>
/// <param name="GitBlobId">The git blob id the content must have, when the Hub gave one (lowercase hex).</param>
internal sealed record HubFileMetadata(string Etag, long Size, Uri Location, string? Sha256, string? GitBlobId)
{
    /// <summary>Whether the content can be checked against a hash, not only a size.</summary>
    public bool CanVerifyContent => Sha256 is not null || GitBlobId is not null;
}
