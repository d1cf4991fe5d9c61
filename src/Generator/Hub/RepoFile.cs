namespace SkEmbeddingGemma.Hub;

/// <summary>
/// One file of a revision as <c>/api/models/{repo}/revision/{revision}?blobs=true</c> lists it (huggingface_hub's
/// <c>RepoSibling</c>): what the Hub itself says the file is, to check its HEAD headers and its bytes against.
/// </summary>
/// <param name="Path">The file's path in the repository (<c>rfilename</c>).</param>
/// <param name="Size">The file's size (<c>lfs.size</c> for LFS files, else <c>size</c>), when listed.</param>
/// <param name="GitBlobId">The git blob id of a regular file (<c>blobId</c>): SHA-1 over <c>blob {size}\0</c> and the content; null for LFS files, whose blob id names the pointer.</param>
/// <param name="LfsSha256">The SHA-256 of an LFS file's content (<c>lfs.sha256</c>), when listed.</param>
/// <param name="IsLfs">Whether the listing says the file is stored in LFS.</param>
internal sealed record RepoFile(string Path, long? Size, string? GitBlobId, string? LfsSha256, bool IsLfs);
