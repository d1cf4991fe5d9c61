using System.Net;

namespace SkEmbeddingGemma.Hub;

/// <summary>
/// A Hugging Face Hub download failed. <see cref="Kind"/> says why and the message says what to do; neither ever
/// contains the access token.
/// </summary>
/// <remarks>Instances are immutable and safe to share between threads.</remarks>
public sealed class HubDownloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">Why the download failed.</param>
    /// <param name="message">What happened and what to do, without secrets.</param>
    /// <param name="statusCode">The HTTP status behind the failure, if any.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public HubDownloadException(HubErrorKind kind, string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
    }

    /// <summary>Gets why the download failed.</summary>
    public HubErrorKind Kind { get; }

    /// <summary>Gets the HTTP status the Hub answered with, when the failure came from one.</summary>
    public HttpStatusCode? StatusCode { get; }
}
