using Microsoft.Win32.SafeHandles;
using SkEmbeddingGemma.Model;

namespace SkEmbeddingGemma.Hub;

/// <summary>
/// Downloads EmbeddingGemma ONNX exports from the Hugging Face Hub into the cache huggingface_hub uses, so models fetched
/// by Python tools are reused and the other way round.
/// </summary>
/// <remarks>
/// Only the chosen variant's graph, its external data, the tokenizer and the configs are fetched. Downloads resume, and
/// each file (downloaded, or found in the cache) is verified against the size and the hash the Hub gives: the SHA-256 of
/// LFS files, the git blob id of the others; a file without a hash is refused unless
/// <see cref="HubDownloadOptions.AllowUnverifiedFiles"/> is set. Downloads are safe when several processes fetch the same
/// model at once, and never write through a link planted in the cache. All members are thread-safe.
/// </remarks>
public static class HuggingFaceHub
{
    /// <summary>The repository downloaded when none is named.</summary>
    public const string DefaultRepository = "onnx-community/embeddinggemma-300m-ONNX";

    // Files next to the graph that the generator reads when they exist.
    private static readonly string[] s_supportFiles =
    [
        "config.json", "config_sentence_transformers.json", "sentence_bert_config.json", "modules.json",
        "tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json",
    ];

    /// <summary>
    /// Makes sure a model is in the cache and returns its snapshot folder
    /// (<c>…/models--org--name/snapshots/&lt;commit&gt;</c>), ready for <see cref="EmbeddingGemmaGenerator(string, EmbeddingGemmaGeneratorOptions?)"/>.
    /// </summary>
    /// <remarks>
    /// A cached commit hash, or any cached revision when offline, is returned without a request; a cached branch such as
    /// <c>main</c> costs one metadata call. When the Hub cannot be reached, a cached snapshot of the revision is used.
    /// </remarks>
    /// <param name="options">What to fetch and from where; null for the defaults.</param>
    /// <param name="progress">Receives each file's progress; it never carries the token.</param>
    /// <param name="cancellationToken">Cancels the download; a partial file is kept and resumed next time.</param>
    /// <returns>The snapshot folder.</returns>
    /// <exception cref="NotSupportedException">The variant is float16, which EmbeddingGemma does not support.</exception>
    /// <exception cref="HubDownloadException">The download failed; <see cref="HubDownloadException.Kind"/> says why and the message what to do.</exception>
    /// <exception cref="ArgumentException">The cache folder is not a valid path.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<string> DownloadModelAsync(
        HubDownloadOptions? options = null, IProgress<HubDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        DownloadModelAsync(options ?? new HubDownloadOptions(), HubEnvironment.Process, progress, cancellationToken);

    /// <summary>The download, with the environment as a parameter so tests need not change the process's.</summary>
    internal static async Task<string> DownloadModelAsync(
        HubDownloadOptions options, Func<string, string?> environment, IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        string repository = options.Repository;
        string revision = options.Revision;
        string variant = options.Variant;
        ModelFolder.ThrowIfFloat16(variant);
        cancellationToken.ThrowIfCancellationRequested();

        var cache = new HubCache(options.CacheDirectory ?? HubEnvironment.CacheDirectory(environment), repository);
        bool offline = options.Offline ?? HubEnvironment.Offline(environment);
        string? cachedCommit = HubNames.IsCommitHash(revision) ? revision : cache.ReadRef(revision);
        bool cached = cachedCommit is not null && cache.IsComplete(cachedCommit, variant);

        // A commit never changes, offline a cached branch is the best there is, and without update checks it is pinned:
        // no request in any of these cases.
        if (cached && (offline || cachedCommit == revision || !options.CheckForUpdates))
        {
            return cache.SnapshotDirectory(cachedCommit!);
        }

        if (offline)
        {
            throw NotCached(repository, revision, variant, cache);
        }

        var client = new HubClient(options.HttpClient, options.Endpoint ?? HubEnvironment.Endpoint(environment), options.Token ?? HubEnvironment.Token(environment), repository, revision, TransferLimits.From(options));
        RepoListing listing;
        try
        {
            listing = await client.GetListingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HubDownloadException ex) when (cached && ex.Kind == HubErrorKind.Network)
        {
            // As huggingface_hub does: an unreachable Hub falls back to what the cache has for this revision.
            return cache.SnapshotDirectory(cachedCommit!);
        }

        string commit = listing.Commit;
        if (commit != revision)
        {
            cache.WriteRef(revision, commit);
        }

        Dictionary<string, RepoFile> listed = listing.Files.DistinctBy(f => f.Path, StringComparer.Ordinal).ToDictionary(f => f.Path, StringComparer.Ordinal);
        foreach (string path in SelectFiles(listing, repository, revision, variant, client.Endpoint))
        {
            RepoFile? entry = listed.GetValueOrDefault(path);
            string snapshotFile = cache.SnapshotFile(commit, path);

            // A linked file was verified when it was linked; its size is checked again here at no cost.
            if (File.Exists(snapshotFile) && (entry?.Size is not long size || LinkedLength(snapshotFile) == size))
            {
                continue;
            }

            HubFileMetadata metadata = await client.HeadAsync(commit, path, entry, cancellationToken).ConfigureAwait(false);
            if (!metadata.CanVerifyContent && !options.AllowUnverifiedFiles)
            {
                throw Unverifiable(client.Endpoint, repository, commit, path, metadata);
            }

            // Configurations and tokenizers are read whole into memory: a Hub announcing a huge one is refused up front.
            if (s_supportFiles.Contains(path, StringComparer.Ordinal) && metadata.Size > client.Limits.MaxMetadataBytes)
            {
                throw HubClient.TooLarge(
                    $"{path} of {repository}@{commit} from {client.Endpoint} ({metadata.Size:N0} bytes announced)", client.Limits.MaxMetadataBytes);
            }

            await BlobDownloader.EnsureAsync(client, cache, metadata, path, progress, cancellationToken).ConfigureAwait(false);
            cache.Link(commit, path, metadata.Etag);
        }

        return cache.SnapshotDirectory(commit);
    }

    /// <summary>
    /// The files a variant needs, the graph last: a snapshot holding the graph is then complete, even after an
    /// interrupted download.
    /// </summary>
    internal static IReadOnlyList<string> SelectFiles(RepoListing listing, string repository, string revision, string variant, string endpoint)
    {
        string[] names = listing.Files.Select(f => f.Path).ToArray();
        foreach (string file in names)
        {
            if (!HubNames.IsSafeRelativePath(file))
            {
                throw new HubDownloadException(
                    HubErrorKind.InvalidResponse, $"{endpoint} listed an unsafe file name in {repository}@{revision}; nothing was downloaded.");
            }
        }

        var files = new HashSet<string>(names, StringComparer.Ordinal);
        string folder = files.Contains($"onnx/{variant}.onnx") || !files.Contains($"{variant}.onnx") ? "onnx/" : string.Empty;
        string graph = $"{folder}{variant}.onnx";
        if (!files.Contains(graph))
        {
            string[] variants = names
                .Where(f => f.EndsWith(".onnx", StringComparison.Ordinal) && (f.StartsWith("onnx/", StringComparison.Ordinal) ? f.IndexOf('/', 5) < 0 : !f.Contains('/', StringComparison.Ordinal)))
                .Select(f => Path.GetFileNameWithoutExtension(f))
                .Where(v => !v.Contains("fp16", StringComparison.OrdinalIgnoreCase) && !v.Contains("float16", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToArray();
            throw new HubDownloadException(
                HubErrorKind.NotFound,
                $"{repository}@{revision} has no '{variant}' variant (no {graph}). " +
                (variants.Length == 0 ? "It has no ONNX graph: is it an ONNX export such as " + DefaultRepository + "?" : $"Variants there: {string.Join(", ", variants)}."));
        }

        // External data: onnx/{variant}.onnx_data and, for graphs over 2 GB, onnx/{variant}.onnx_data_1 and so on.
        return s_supportFiles.Where(files.Contains)
            .Concat(names.Where(f => f.StartsWith(graph + "_data", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            .Append(graph)
            .ToArray();
    }

    // The length of what a snapshot link points to (FileInfo.Length is the link's own on Unix); -1 when it cannot be read.
    private static long LinkedLength(string path)
    {
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path);
            return RandomAccess.GetLength(handle);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static HubDownloadException Unverifiable(string endpoint, string repository, string commit, string path, HubFileMetadata metadata) => new(
        HubErrorKind.Unverifiable,
        $"{endpoint} gave no checksum for {path} in {repository}@{commit}: its ETag '{metadata.Etag}' is neither a SHA-256 nor a git blob id, " +
        "and its file list has no hash for it, so its content cannot be verified; nothing was downloaded. Use a Hub that sends X-Linked-Etag " +
        "or file hashes (huggingface.co does), or accept files checked by size only with HubDownloadOptions.AllowUnverifiedFiles " +
        "(--allow-unverified for `embeddinggemma download`).");

    private static HubDownloadException NotCached(string repository, string revision, string variant, HubCache cache) => new(
        HubErrorKind.Offline,
        $"Offline mode is on (HF_HUB_OFFLINE=1 or HubDownloadOptions.Offline) and the cache {cache.Root} does not hold {repository}@{revision} " +
        $"with the '{variant}' variant. To get it: run `embeddinggemma download --repo {repository} --revision {revision} --variant {variant}` " +
        "(or `hf download` with huggingface_hub) where the Hub can be reached and copy the cache folder here, or turn offline mode off, " +
        "or pass a local model folder to EmbeddingGemmaGenerator.");
}
