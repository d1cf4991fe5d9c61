using System.Net;

namespace SkEmbeddingGemma.Hub;

/// <summary>
/// Fetches one blob into the cache: under the blob's lock, streams to <c>blobs/&lt;etag&gt;.incomplete</c> (resuming what a
/// previous attempt left), checks size and hash, then renames it into place so a blob is never seen half-written.
/// </summary>
internal static class BlobDownloader
{
    private const int BufferSize = 1 << 20;
    private const long ProgressStep = 1 << 20;
    private static readonly TimeSpan s_lockRetry = TimeSpan.FromMilliseconds(200);

    /// <summary>Makes sure the blob exists, downloading it if no other process has.</summary>
    public static async Task EnsureAsync(
        HubClient client, HubCache cache, HubFileMetadata metadata, string path, IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        string blob = cache.BlobPath(metadata.Etag);
        cache.EnsureDirectory(cache.BlobsDirectory);
        cache.EnsureDirectory(cache.LocksDirectory);
        string lockPath = cache.LockPath(metadata.Etag);
        cache.ThrowIfLink(lockPath);
        using FileStream gate = await AcquireLockAsync(lockPath, cancellationToken).ConfigureAwait(false);

        // Checked under the lock: another process may have finished it while we waited, and nothing planted is followed.
        cache.ThrowIfLink(blob);
        if (File.Exists(blob))
        {
            // A blob another tool (or a failing disk) left is used only if it is what the Hub announces now.
            if (await ContentCheck.VerifyFileAsync(blob, metadata, cancellationToken).ConfigureAwait(false) is null)
            {
                return;
            }

            File.Delete(blob);
        }

        string incomplete = blob + ".incomplete";
        cache.ThrowIfLink(incomplete);
        await DownloadAsync(client, cache, metadata, path, blob, incomplete, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether an I/O failure means the disk is full (ENOSPC on Unix, ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows).</summary>
    internal static bool IsDiskFull(IOException exception) =>
        exception.HResult is 28 or unchecked((int)0x80070070) or unchecked((int)0x80070027)
        || (exception.HResult & 0xFFFF) is 0x70 or 0x27 && (exception.HResult >> 16 & 0x1FFF) == 7;

    private static async Task<FileStream> AcquireLockAsync(string lockPath, CancellationToken cancellationToken)
    {
        // FileShare.None is an exclusive flock on Unix, the same lock Python's filelock takes on this file.
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (IsSharingViolation(ex))
            {
                await Task.Delay(s_lockRetry, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // EWOULDBLOCK (11) / EAGAIN (35 on macOS) on Unix; ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION on Windows.
    private static bool IsSharingViolation(IOException exception) =>
        exception is not FileNotFoundException and not DirectoryNotFoundException
        && (exception.HResult is 11 or 35 || (exception.HResult & 0xFFFF) is 32 or 33);

    private static async Task DownloadAsync(
        HubClient client, HubCache cache, HubFileMetadata metadata, string path, string blob, string incomplete, IProgress<HubDownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        long expected = metadata.Size;
        using (FileStream file = new(incomplete, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous))
        {
            // Opening neither truncates nor writes: checked again now, a link swapped in since the first check is caught
            // before a byte is written.
            cache.ThrowIfLink(incomplete);
            long offset = file.Length;
            if (offset > expected)
            {
                file.SetLength(0);
                offset = 0;
            }

            ThrowIfNoSpace(cache, expected - offset, path);
            using var check = new ContentCheck(metadata);
            await check.AppendFileAsync(file, offset, cancellationToken).ConfigureAwait(false);
            progress?.Report(new HubDownloadProgress(path, offset, expected));

            if (offset < expected)
            {
                offset = await FetchAsync(client, cache, metadata, path, file, offset, check, progress, cancellationToken).ConfigureAwait(false);
            }

            // The body ended cleanly (a dropped connection throws), so a short file is what the server holds, not a
            // transfer to resume: like a long one or a wrong hash, it is corrupt.
            if (check.Mismatch(offset) is { } mismatch)
            {
                file.Close();
                File.Delete(incomplete);
                throw new HubDownloadException(
                    HubErrorKind.Corrupt,
                    $"The download of {path} does not match what the Hub announced ({mismatch}). The corrupt file was deleted; run again to download it afresh.");
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            progress?.Report(new HubDownloadProgress(path, expected, expected));
        }

        File.Move(incomplete, blob, overwrite: true);
    }

    private static async Task<long> FetchAsync(
        HubClient client, HubCache cache, HubFileMetadata metadata, string path, FileStream file, long offset, ContentCheck check,
        IProgress<HubDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await client.GetFileAsync(metadata.Location, offset, path, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable ||
            (offset > 0 && (response.StatusCode != HttpStatusCode.PartialContent || response.Content.Headers.ContentRange?.From != offset)))
        {
            // The server would not resume here: the part cannot be trusted to line up, so start over.
            if (response.StatusCode != HttpStatusCode.OK)
            {
                file.SetLength(0);
                throw new HubDownloadException(HubErrorKind.Network, $"The server would not resume {path}; the part was discarded. Run again to download it afresh.", response.StatusCode);
            }

            file.SetLength(0);
            offset = 0;
            check.Reset();
        }

        file.Position = offset;
        Stream stream;
        try
        {
            stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Dropped(path, offset, metadata.Size, ex);
        }

        await using (stream.ConfigureAwait(false))
        {
            var body = new GuardedBody(stream, client.Limits, $"the download of {path}", "The part is kept in the cache; run again to resume.");
            byte[] buffer = new byte[BufferSize];
            long reported = offset;
            while (offset < metadata.Size)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    throw Dropped(path, offset, metadata.Size, ex);
                }

                if (read == 0)
                {
                    break;
                }

                int keep = (int)Math.Min(read, metadata.Size - offset + 1);
                try
                {
                    await file.WriteAsync(buffer.AsMemory(0, keep), cancellationToken).ConfigureAwait(false);
                }
                catch (IOException ex) when (IsDiskFull(ex))
                {
                    throw DiskFull(cache, path, ex);
                }

                check.Append(buffer.AsSpan(0, keep));
                offset += keep;
                if (offset - reported >= ProgressStep)
                {
                    reported = offset;
                    progress?.Report(new HubDownloadProgress(path, offset, metadata.Size));
                }
            }
        }

        try
        {
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            throw DiskFull(cache, path, ex);
        }

        return offset;
    }

    private static HubDownloadException Dropped(string path, long offset, long size, Exception inner) => new(
        HubErrorKind.Network,
        $"The connection dropped while downloading {path} ({offset:N0} of {size:N0} bytes). The part is kept in the cache; run again to resume.",
        innerException: inner);

    private static HubDownloadException DiskFull(HubCache cache, string path, IOException inner) => new(
        HubErrorKind.DiskFull,
        $"The disk holding the Hugging Face cache ({cache.Root}) is full while downloading {path}. Free some space (or point HF_HUB_CACHE elsewhere) and run again; the part already downloaded is kept.",
        innerException: inner);

    private static void ThrowIfNoSpace(HubCache cache, long needed, string path)
    {
        long available;
        try
        {
            available = new DriveInfo(cache.BlobsDirectory).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return;
        }

        if (available < needed)
        {
            throw new HubDownloadException(
                HubErrorKind.DiskFull,
                $"{path} needs {needed:N0} more bytes but the disk holding the Hugging Face cache ({cache.Root}) has {available:N0} free. Free some space or point HF_HUB_CACHE elsewhere.");
        }
    }
}
