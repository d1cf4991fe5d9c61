namespace SkEmbeddingGemma.Hub;

/// <summary>What a HEAD on <c>resolve/{revision}/{path}</c> tells about a file, read as huggingface_hub reads it.</summary>
/// <param name="Etag">The blob name: the SHA-256 of LFS files (<c>X-Linked-Etag</c>), the git SHA-1 of others (<c>ETag</c>).</param>
/// <param name="Size">The file's size (<c>X-Linked-Size</c>, else <c>Content-Length</c>).</param>
/// <param name="Location">Where to GET the bytes: the CDN address of a redirect, or the resolve address itself.</param>
internal sealed record HubFileMetadata(string Etag, long Size, Uri Location);
