using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SkEmbeddingGemma.Hub;

/// <summary>
/// Hashes a file's bytes as they arrive (or as they lie in the cache) and compares them with every hash the Hub gave:
/// the SHA-256 of LFS files, the git blob id (SHA-1 over <c>blob {size}\0</c> and the content) of regular files.
/// </summary>
internal sealed class ContentCheck : IDisposable
{
    private const int BufferSize = 1 << 20;

    private readonly HubFileMetadata _metadata;
    private readonly IncrementalHash? _sha256;
    private readonly IncrementalHash? _gitSha1;

    public ContentCheck(HubFileMetadata metadata)
    {
        _metadata = metadata;
        _sha256 = metadata.Sha256 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
#pragma warning disable CA5350 // SHA-1 here recomputes git's object id; it checks integrity, it is not a security control.
        _gitSha1 = metadata.GitBlobId is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
#pragma warning restore CA5350
        StartGitHeader();
    }

    /// <summary>Forgets what was hashed, for a download that starts over.</summary>
    public void Reset()
    {
        _ = _sha256?.GetHashAndReset();
        _ = _gitSha1?.GetHashAndReset();
        StartGitHeader();
    }

    /// <summary>Hashes the next bytes of the file.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _sha256?.AppendData(data);
        _gitSha1?.AppendData(data);
    }

    /// <summary>Hashes the first <paramref name="length"/> bytes of a file on disk (a part being resumed, or a cached blob).</summary>
    public async Task AppendFileAsync(FileStream file, long length, CancellationToken cancellationToken)
    {
        if (_sha256 is null && _gitSha1 is null)
        {
            return;
        }

        file.Position = 0;
        byte[] buffer = new byte[BufferSize];
        long left = length;
        while (left > 0)
        {
            int read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            Append(buffer.AsSpan(0, read));
            left -= read;
        }
    }

    /// <summary>
    /// Finishes the hashes of a file of <paramref name="length"/> bytes: null when the size and every hash match, else
    /// what differs, for the message. Resets the hashes.
    /// </summary>
    public string? Mismatch(long length)
    {
        string? sha256 = _sha256 is null ? null : Convert.ToHexStringLower(_sha256.GetHashAndReset());
        string? gitSha1 = _gitSha1 is null ? null : Convert.ToHexStringLower(_gitSha1.GetHashAndReset());
        StartGitHeader();
        return length != _metadata.Size ? string.Create(CultureInfo.InvariantCulture, $"{length:N0} bytes instead of {_metadata.Size:N0}")
            : sha256 is not null && sha256 != _metadata.Sha256 ? $"SHA-256 {sha256} instead of {_metadata.Sha256}"
            : gitSha1 is not null && gitSha1 != _metadata.GitBlobId ? $"git blob id {gitSha1} instead of {_metadata.GitBlobId}"
            : null;
    }

    /// <summary>Checks a whole file already on disk: null when it is what the Hub announced, else what differs.</summary>
    public static async Task<string?> VerifyFileAsync(string path, HubFileMetadata metadata, CancellationToken cancellationToken)
    {
        using var check = new ContentCheck(metadata);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        long length = file.Length;
        if (length != metadata.Size)
        {
            return check.Mismatch(length);
        }

        await check.AppendFileAsync(file, length, cancellationToken).ConfigureAwait(false);
        return check.Mismatch(length);
    }

    public void Dispose()
    {
        _sha256?.Dispose();
        _gitSha1?.Dispose();
    }

    private void StartGitHeader() =>
        _gitSha1?.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {_metadata.Size}\0")));
}
