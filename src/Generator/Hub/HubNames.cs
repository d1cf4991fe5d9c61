using System.Globalization;
using System.Text.RegularExpressions;

namespace SkEmbeddingGemma.Hub;

/// <summary>
/// Validates what ends up in URLs and cache paths: repository ids, revisions, variants and the Hub's file names. Every
/// value must stay a name, so nothing can point outside the cache.
/// </summary>
internal static partial class HubNames
{
    /// <summary>The most characters huggingface_hub accepts in a repository id.</summary>
    private const int MaxRepositoryLength = 96;

    /// <summary>Whether a revision is a full commit hash, which never moves and so needs no revalidation.</summary>
    public static bool IsCommitHash(string revision) => CommitHash().IsMatch(revision);

    /// <summary>Checks a repository id the way huggingface_hub's <c>validate_repo_id</c> does.</summary>
    /// <exception cref="ArgumentException">The id is not <c>name</c> or <c>org/name</c>.</exception>
    public static string ValidateRepository(string value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        return RepositoryError(value) is { } error ? throw new ArgumentException(error, paramName) : value;
    }

    /// <summary>Why <paramref name="value"/> is not a repository id, starting with the quoted value; null when it is one.</summary>
    public static string? RepositoryError(string value) =>
        value.Length > MaxRepositoryLength || !RepositoryId().IsMatch(value) || value.Contains("--", StringComparison.Ordinal) || value.Contains("..", StringComparison.Ordinal)
            ? $"'{value}' is not a Hugging Face repository id: use 'org/name' (letters, digits, '-', '_', '.'; no '--' or '..'), such as '{HuggingFaceHub.DefaultRepository}'."
            : null;

    /// <summary>Checks a branch, tag or commit: path-like refs such as <c>refs/pr/1</c> are fine, escapes are not.</summary>
    /// <exception cref="ArgumentException">The revision is empty, too long, or could escape the cache's <c>refs</c> folder.</exception>
    public static string ValidateRevision(string value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        return RevisionError(value) is { } error ? throw new ArgumentException(error, paramName) : value;
    }

    /// <summary>Why <paramref name="value"/> is not a revision, starting with the quoted value; null when it is one.</summary>
    public static string? RevisionError(string value) =>
        value.Length is 0 or > 255 || !IsSafeRelativePath(value) || value.AsSpan().IndexOfAny(RevisionForbidden) >= 0
            ? $"'{value}' is not a revision: use a branch ('main'), a tag, or a 40-character commit hash, without '..', '\\' or a leading '/'."
            : null;

    /// <summary>Why <paramref name="value"/> is not a Hub address, starting with the quoted value; null when it is one.</summary>
    public static string? EndpointError(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0
            ? null
            : $"'{value}' is not an http(s) address such as https://huggingface.co.";

    /// <summary>Checks a variant name such as <c>model</c> or <c>model_quantized</c> and drops a trailing <c>.onnx</c>.</summary>
    /// <exception cref="ArgumentException">The value is blank or a path.</exception>
    public static string ValidateVariant(string value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        string name = value.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? value[..^".onnx".Length] : value;
        if (name.Length == 0 || name.Length > 128 || !VariantName().IsMatch(name) || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{value}' is not a model variant name such as 'model' or 'model_quantized'.", paramName);
        }

        return name;
    }

    /// <summary>
    /// Whether a path from the Hub is a plain relative path: '/'-separated names, none empty, '.', '..', drive-like or
    /// holding '\' or control characters.
    /// </summary>
    public static bool IsSafeRelativePath(string path)
    {
        if (path.Length == 0 || path.Length > 1024 || path.StartsWith('/') || path.AsSpan().IndexOfAny(PathForbidden) >= 0)
        {
            return false;
        }

        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or ".." || segment.Any(char.IsControl))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a Hub ETag can name a blob file: hex hashes in practice, never a path.</summary>
    public static bool IsSafeEtag(string etag) => EtagName().IsMatch(etag);

    /// <summary>
    /// Cleans a token as huggingface_hub's <c>_clean_token</c> does: carriage returns and line feeds are dropped wherever
    /// they are (a token pasted or saved with a line break), surrounding whitespace is trimmed, and a blank token is null.
    /// </summary>
    public static string? CleanToken(string? token) =>
        token?.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Trim() is { Length: > 0 } clean
            ? clean
            : null;

    /// <summary>
    /// Why a cleaned token cannot go in an HTTP header, naming where it came from and the position of the first bad
    /// character but never the token; null when it can.
    /// </summary>
    public static string? TokenError(string token, string source)
    {
        int bad = token.AsSpan().IndexOfAnyExceptInRange((char)0x20, (char)0x7E);
        return bad < 0
            ? null
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{source} holds a {(char.IsControl(token[bad]) ? "control" : "non-ASCII")} character (at position {bad + 1} of {token.Length}), which cannot be sent in an HTTP header. Copy the token again from https://huggingface.co/settings/tokens (it is not shown here).");
    }

    /// <summary>The value, lowercased, when it is a SHA-256 in hex (an LFS object id); else null.</summary>
    public static string? AsSha256(string? value) => value is { Length: 64 } && value.All(char.IsAsciiHexDigit) ? value.ToLowerInvariant() : null;

    /// <summary>The value, lowercased, when it is a SHA-1 in hex (a git blob id); else null.</summary>
    public static string? AsGitSha1(string? value) => value is { Length: 40 } && value.All(char.IsAsciiHexDigit) ? value.ToLowerInvariant() : null;

    /// <summary>The cache folder name of a repository, as huggingface_hub spells it: <c>models--org--name</c>.</summary>
    public static string RepositoryFolderName(string repository) => "models--" + repository.Replace("/", "--", StringComparison.Ordinal);

    /// <summary>Escapes each segment of a repository path for a URL, keeping the '/' separators.</summary>
    public static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    private static readonly char[] PathForbidden = ['\\', ':', '\0'];
    private static readonly char[] RevisionForbidden = [' ', '~', '^', '?', '*', '[', '"', '<', '>', '|', '%', '\t', '\r', '\n'];

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitHash();

    // Each part starts and ends with a word character, as the \b of huggingface_hub's REPO_ID_REGEX requires.
    [GeneratedRegex(@"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?/)?[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?$")]
    private static partial Regex RepositoryId();

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+$")]
    private static partial Regex VariantName();

    [GeneratedRegex(@"^[A-Za-z0-9_\-]{1,128}$")]
    private static partial Regex EtagName();
}
