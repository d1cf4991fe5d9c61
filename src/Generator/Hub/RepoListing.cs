namespace SkEmbeddingGemma.Hub;

/// <summary>A revision of a repository as <c>/api/models/{repo}/revision/{revision}</c> lists it.</summary>
/// <param name="Commit">The commit hash the revision points to.</param>
/// <param name="Files">The repository's file paths (<c>siblings[].rfilename</c>).</param>
internal sealed record RepoListing(string Commit, IReadOnlyList<string> Files);
