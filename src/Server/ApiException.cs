namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// A request the server refuses: the status code, the message, and the error's type in each dialect: OpenAI's
/// <c>error.type</c> (and <c>error.code</c>) and TEI's <c>error_type</c>.
/// </summary>
internal sealed class ApiException(int statusCode, string message, string? type = null, string? teiType = null, string? code = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>Gets OpenAI's error type.</summary>
    public string Type { get; } = type ?? DefaultType(statusCode);

    /// <summary>Gets TEI's error type (<c>Validation</c>, <c>Overloaded</c>, <c>Backend</c>, ...).</summary>
    public string TeiType { get; } = teiType ?? type ?? DefaultTeiType(statusCode);

    /// <summary>Gets OpenAI's machine-readable error code, or null.</summary>
    public string? Code { get; } = code;

    private static string DefaultType(int status) => status switch
    {
        429 => "rate_limit_error",
        401 => "authentication_error",
        501 => "not_implemented",
        _ => "invalid_request_error",
    };

    private static string DefaultTeiType(int status) => status switch
    {
        429 => "Overloaded",
        401 => "Unauthorized",
        501 => "Backend",
        _ => "Validation",
    };
}
