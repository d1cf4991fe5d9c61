namespace SkEmbeddingGemma.Hub;

/// <summary>
/// One repository's folder in the huggingface_hub cache: <c>blobs/&lt;etag&gt;</c> holds each file once,
/// <c>snapshots/&lt;commit&gt;/&lt;path&gt;</c> are relative symlinks to blobs, <c>refs/&lt;revision&gt;</c> holds the commit
/// hash, and locks live in <c>.locks/models--org--name/&lt;etag&gt;.lock</c>, where Python's filelock looks for them.
/// </summary>
internal sealed class HubCache
{
    public HubCache(string cacheDirectory, string repository)
    {
        Root = Path.GetFullPath(cacheDirectory);
        string folder = HubNames.RepositoryFolderName(repository);
        RepositoryDirectory = Path.Combine(Root, folder);
        BlobsDirectory = Path.Combine(RepositoryDirectory, "blobs");
        LocksDirectory = Path.Combine(Root, ".locks", folder);
    }

    /// <summary>The cache root.</summary>
    public string Root { get; }

    /// <summary>The repository's folder, <c>models--org--name</c>.</summary>
    public string RepositoryDirectory { get; }

    /// <summary>The content-addressed files.</summary>
    public string BlobsDirectory { get; }

    /// <summary>The lock files, shared with huggingface_hub.</summary>
    public string LocksDirectory { get; }

    /// <summary>The blob named by an ETag.</summary>
    public string BlobPath(string etag) => Inside(RepositoryDirectory, Path.Combine(BlobsDirectory, etag));

    /// <summary>The lock guarding a blob's download.</summary>
    public string LockPath(string etag) => Inside(LocksDirectory, Path.Combine(LocksDirectory, etag + ".lock"));

    /// <summary>The snapshot folder of a commit: what the generator loads.</summary>
    public string SnapshotDirectory(string commit) => Inside(RepositoryDirectory, Path.Combine(RepositoryDirectory, "snapshots", commit));

    /// <summary>A repository file inside a commit's snapshot.</summary>
    public string SnapshotFile(string commit, string path) =>
        Inside(SnapshotDirectory(commit), Path.Combine(SnapshotDirectory(commit), path.Replace('/', Path.DirectorySeparatorChar)));

    /// <summary>The commit a branch or tag pointed to when last resolved, or null.</summary>
    public string? ReadRef(string revision)
    {
        string path = RefPath(revision);
        try
        {
            string commit = File.Exists(path) ? File.ReadAllText(path).Trim() : string.Empty;
            return HubNames.IsCommitHash(commit) ? commit : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Records the commit a branch or tag resolved to; written whole so a reader never sees half a hash.</summary>
    public void WriteRef(string revision, string commit)
    {
        string path = RefPath(revision);
        if (ReadRef(revision) == commit)
        {
            return;
        }

        EnsureDirectory(Path.GetDirectoryName(path)!);
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, commit);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Points <c>snapshots/&lt;commit&gt;/&lt;path&gt;</c> at its blob with a relative symlink, as huggingface_hub does on
    /// Linux and macOS; where symlinks are not allowed (Windows without developer mode) the blob is copied instead.
    /// </summary>
    public void Link(string commit, string path, string etag)
    {
        string link = SnapshotFile(commit, path);
        string blob = BlobPath(etag);
        string directory = Path.GetDirectoryName(link)!;
        EnsureDirectory(directory);
        ThrowIfLink(blob);

        // Made under a temporary name and renamed over the final one: atomic, and it replaces a dangling or stale link
        // (File.Exists follows links, so the caller saw this file as missing) even when another process links it too.
        string temporary = Path.Combine(directory, $".{Path.GetFileName(link)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.CreateSymbolicLink(temporary, Path.GetRelativePath(directory, blob));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            File.Copy(blob, temporary, overwrite: true);
        }

        File.Move(temporary, link, overwrite: true);
    }

    /// <summary>
    /// Whether a snapshot can be loaded without the network: the variant's graph (fetched last, after its external data)
    /// and a tokenizer are present.
    /// </summary>
    public bool IsComplete(string commit, string variant) =>
        Directory.Exists(SnapshotDirectory(commit))
        && (File.Exists(SnapshotFile(commit, $"onnx/{variant}.onnx")) || File.Exists(SnapshotFile(commit, $"{variant}.onnx")))
        && (File.Exists(SnapshotFile(commit, "tokenizer.json")) || File.Exists(SnapshotFile(commit, "tokenizer.model")));

    /// <summary>
    /// Creates a folder of the cache, one level at a time from the root, refusing any folder on the way that is a link or
    /// not a folder: what is written under it then stays in the cache. The root itself may be a link (the user's choice).
    /// </summary>
    /// <exception cref="HubDownloadException">A folder on the way is a link, or a file.</exception>
    public void EnsureDirectory(string directory)
    {
        string full = Inside(Root, directory);
        Directory.CreateDirectory(Root);
        string current = Root;
        string relative = Path.GetRelativePath(Root, full);
        if (relative == ".")
        {
            return;
        }

        foreach (string part in relative.Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, part);
            ThrowIfLink(current);
            if (!Directory.Exists(current))
            {
                if (File.Exists(current))
                {
                    throw new HubDownloadException(
                        HubErrorKind.UnsafeCache, $"{current} in the Hugging Face cache is a file where a folder belongs; remove it and run again.");
                }

                Directory.CreateDirectory(current);

                // Another process may have planted a link between the check and the creation.
                ThrowIfLink(current);
            }
        }
    }

    /// <summary>
    /// Refuses a path that is a symbolic link or another reparse point (a junction): the downloader never writes through
    /// a link it did not make. A missing path is fine.
    /// </summary>
    /// <exception cref="HubDownloadException">The path is a link.</exception>
    public void ThrowIfLink(string path)
    {
        FileAttributes attributes;
        try
        {
            attributes = File.GetAttributes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return;
        }

        // On Unix File.GetAttributes reports a symlink (dangling ones too) as a reparse point, as Windows does.
        if ((attributes & FileAttributes.ReparsePoint) != 0 || new FileInfo(path).LinkTarget is not null)
        {
            string? target = new FileInfo(path).LinkTarget;
            throw new HubDownloadException(
                HubErrorKind.UnsafeCache,
                $"{path} in the Hugging Face cache ({Root}) is a link{(target is null ? string.Empty : $" to {target}")} that the downloader did not make; " +
                "it does not write through links. Remove it (or set HF_HUB_CACHE to a folder only you can write) and run again.");
        }
    }

    private string RefPath(string revision)
    {
        string refs = Path.Combine(RepositoryDirectory, "refs");
        return Inside(refs, Path.Combine(refs, revision.Replace('/', Path.DirectorySeparatorChar)));
    }

    // Belt and braces behind name validation: a computed path must stay under its folder.
    private static string Inside(string root, string path)
    {
        string full = Path.GetFullPath(path);
        string prefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal) || full == prefix[..^1]
            ? full
            : throw new ArgumentException($"'{path}' would leave the cache folder '{root}'.", nameof(path));
    }
}
