using System.Reflection;
using Microsoft.Extensions.Options;

namespace SkEmbeddingGemma;

/// <summary>
/// Turns an exception into the one line a host shows its users (a health check, an HTTP error body, a start failure on
/// stderr): the message as written, without the internals .NET appends to it.
/// </summary>
/// <remarks>
/// Argument exceptions end their message with <c> (Parameter 'name')</c>, naming a parameter of an internal method
/// (often <c>options</c>) that means nothing to whoever set the value; that suffix is dropped. Wrappers that add no
/// words of their own (an <see cref="AggregateException"/> of one failure, a <see cref="TargetInvocationException"/>)
/// are unwrapped, and line breaks are folded so the text stays on one line. Thread-safe.
/// </remarks>
public static class EmbeddingGemmaErrorText
{
    /// <summary>Returns <paramref name="exception"/>'s message on one line, without argument-name suffixes.</summary>
    /// <param name="exception">The failure to describe.</param>
    /// <returns>The message; for an <see cref="AggregateException"/> of several distinct failures, their messages joined by <c>; </c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string text = exception switch
        {
            TargetInvocationException { InnerException: { } inner } => Describe(inner),
            AggregateException { InnerExceptions.Count: > 0 } aggregate => string.Join("; ", aggregate.Flatten().InnerExceptions.Select(Describe).Distinct(StringComparer.Ordinal)),
            OptionsValidationException options => string.Join("; ", options.Failures),
            ArgumentException argument => WithoutParameterName(argument),
            _ => exception.Message,
        };

        return string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static string WithoutParameterName(ArgumentException exception)
    {
        string message = exception.Message;
        string actualValue = string.Empty;
        if (exception is ArgumentOutOfRangeException { ActualValue: not null } outOfRange)
        {
            // The runtime appends "Actual value was X." on its own line after the parameter suffix; keep it, after the message.
            int line = message.LastIndexOf(Environment.NewLine, StringComparison.Ordinal);
            if (line >= 0)
            {
                actualValue = " " + message[(line + Environment.NewLine.Length)..];
                message = message[..line];
            }
        }

        if (exception.ParamName is { } name)
        {
            string suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return message + actualValue;
    }
}
