namespace SkEmbeddingGemma.Hub;

/// <summary>
/// The defaults huggingface_hub reads from the environment, so .NET and Python tools share one cache, endpoint and token.
/// </summary>
internal static class HubEnvironment
{
    /// <summary>The public Hub.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary><c>HF_ENDPOINT</c>, else the public Hub.</summary>
    public static string Endpoint(Func<string, string?> environment) =>
        NonBlank(environment("HF_ENDPOINT"))?.TrimEnd('/') ?? DefaultEndpoint;

    /// <summary><c>HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>.</summary>
    public static string CacheDirectory(Func<string, string?> environment) =>
        ExpandHome(NonBlank(environment("HF_HUB_CACHE"))) ?? Path.Combine(Home(environment), "hub");

    /// <summary>
    /// <c>HF_TOKEN</c>, else the token file (<c>HF_TOKEN_PATH</c>, else <c>$HF_HOME/token</c>) that <c>hf auth login</c>
    /// writes; cleaned as huggingface_hub cleans it (line breaks dropped, whitespace trimmed).
    /// </summary>
    /// <exception cref="HubDownloadException">The token holds a control or non-ASCII character (<see cref="HubErrorKind.InvalidToken"/>).</exception>
    public static string? Token(Func<string, string?> environment)
    {
        if (HubNames.CleanToken(environment("HF_TOKEN")) is { } token)
        {
            return Checked(token, "HF_TOKEN");
        }

        string path = ExpandHome(NonBlank(environment("HF_TOKEN_PATH"))) ?? Path.Combine(Home(environment), "token");
        string? saved;
        try
        {
            saved = File.Exists(path) ? HubNames.CleanToken(File.ReadAllText(path)) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An unreadable token file means no token, as in huggingface_hub; public repositories still work.
            return null;
        }

        return saved is null ? null : Checked(saved, $"The token file {path} (HF_TOKEN_PATH, written by `hf auth login`)");
    }

    private static string Checked(string token, string source) =>
        HubNames.TokenError(token, source) is { } error ? throw new HubDownloadException(HubErrorKind.InvalidToken, error) : token;

    /// <summary><c>HF_HUB_OFFLINE</c> set to 1, ON, YES or TRUE.</summary>
    public static bool Offline(Func<string, string?> environment) =>
        environment("HF_HUB_OFFLINE")?.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    /// <summary>Reads the process environment.</summary>
    public static string? Process(string name) => Environment.GetEnvironmentVariable(name);

    private static string Home(Func<string, string?> environment) =>
        ExpandHome(NonBlank(environment("HF_HOME")))
        ?? Path.Combine(ExpandHome(NonBlank(environment("XDG_CACHE_HOME"))) ?? Path.Combine(UserProfile(), ".cache"), "huggingface");

    private static string UserProfile() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? ExpandHome(string? path) =>
        path is null ? null
        : path == "~" ? UserProfile()
        : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(UserProfile(), path[2..])
        : path;
}
