namespace SkEmbeddingGemma.Hub;

/// <summary>A revision of a repository as <c>/api/models/{repo}/revision/{revision}?blobs=true</c> lists it.</summary>
/// <param name="Commit">The commit hash the revision points to.</param>
/// <param name="Files">The repository's files (<c>siblings</c>), with the sizes and hashes the Hub listed.</param>
internal sealed record RepoListing(string Commit, IReadOnlyList<RepoFile> Files);
