using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// Reads and binds every endpoint's JSON body. Malformed input is the client's fault and answers 400 naming the problem
/// and where it is: bytes that are not UTF-8 (by offset), a string that is not Unicode text, such as a lone surrogate
/// escape <c>\ud800</c> (by JSON path, <c>input[3]</c>), or text that is not JSON. A text is never repaired: embedding
/// U+FFFD instead of what the client sent would answer a different question than the one asked.
/// </summary>
internal static class RequestBody
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private static readonly byte[] s_byteOrderMark = [0xEF, 0xBB, 0xBF];

    /// <summary>Reads the body (at most <paramref name="limit"/> bytes), checks its text, and binds it.</summary>
    /// <exception cref="ApiException">413 for an over-long body, 400 for malformed input, 422 for a JSON null.</exception>
    public static async Task<T> ReadAsync<T>(HttpContext context, long limit, CancellationToken cancellationToken)
        where T : class
    {
        byte[] body = await ReadBytesAsync(context, limit, cancellationToken).ConfigureAwait(false);

        // A UTF-8 byte-order mark is allowed, as the stream reader did; blanked rather than cut, so offsets stay the body's.
        if (body.AsSpan().StartsWith(s_byteOrderMark))
        {
            body.AsSpan(0, s_byteOrderMark.Length).Fill((byte)' ');
        }

        CheckText(body);
        try
        {
            return JsonSerializer.Deserialize<T>(body, s_json) ?? throw new ApiException(422, "The request body is null.");
        }
        catch (JsonException ex)
        {
            throw new ApiException(400, $"The request body is not valid JSON for this endpoint: {ex.Message}");
        }
    }

    private static async Task<byte[]> ReadBytesAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > limit)
        {
            throw new ApiException(413, $"The request body has {context.Request.ContentLength} bytes; the limit is {limit}.");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        // Without a Content-Length, Kestrel's limit stops the read; where the limit cannot be set, the length is checked after.
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.Length > limit ? throw TooLarge(limit) : buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(limit);
        }
    }

    private static ApiException TooLarge(long limit) => new(413, $"The request body is larger than the limit of {limit} bytes.");

    /// <summary>Walks the JSON once: every string and property name must be UTF-8 that decodes to valid UTF-16.</summary>
    private static void CheckText(byte[] body)
    {
        if (!Utf8.IsValid(body))
        {
            int offset = FirstInvalidUtf8(body);
            throw new ApiException(400, $"The request body is not valid UTF-8: byte 0x{body[offset]:X2} at offset {offset}{Where(body, offset)} does not start a valid sequence.");
        }

        var path = new JsonPath();
        var reader = new Utf8JsonReader(body);
        try
        {
            while (reader.Read())
            {
                path.Advance(reader.TokenType);
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                {
                    string? text = Decode(ref reader, path);
                    if (reader.TokenType == JsonTokenType.PropertyName)
                    {
                        path.Name(text!);
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            throw new ApiException(400, $"The request body is not valid JSON: {ex.Message}");
        }
    }

    private static string? Decode(ref Utf8JsonReader reader, JsonPath path)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            // The bytes are UTF-8 (checked above), so the escapes are at fault: a surrogate without its pair.
            string escape = LoneSurrogateEscape(reader.ValueSpan);
            throw new ApiException(400,
                $"{path.Describe(reader.TokenType == JsonTokenType.PropertyName)} is not valid Unicode text: it holds the lone surrogate {escape} " +
                $"(byte {reader.TokenStartIndex} of the body); send a surrogate pair, or the character itself, instead.");
        }
    }

    /// <summary>The first <c>\uXXXX</c> escape of a surrogate that is not part of a high-low pair.</summary>
    private static string LoneSurrogateEscape(ReadOnlySpan<byte> escaped)
    {
        string text = Encoding.UTF8.GetString(escaped);
        for (int i = text.IndexOf("\\u", StringComparison.Ordinal); i >= 0 && i + 6 <= text.Length; i = text.IndexOf("\\u", i + 2, StringComparison.Ordinal))
        {
            if (i > 0 && CountBackslashes(text, i) % 2 == 1)
            {
                continue;
            }

            if (!int.TryParse(text.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int unit) || !char.IsSurrogate((char)unit))
            {
                continue;
            }

            bool pairedHigh = char.IsHighSurrogate((char)unit) && i + 12 <= text.Length && text[i + 6] == '\\' && text[i + 7] == 'u' &&
                int.TryParse(text.AsSpan(i + 8, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int low) && char.IsLowSurrogate((char)low);
            if (pairedHigh)
            {
                i += 6;
                continue;
            }

            return text.Substring(i, 6);
        }

        return "escape";
    }

    // Backslashes right before position i: an odd count means the one at i is itself escaped.
    private static int CountBackslashes(string text, int i)
    {
        int count = 0;
        for (int j = i - 1; j >= 0 && text[j] == '\\'; j--)
        {
            count++;
        }

        return count;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> body)
    {
        int offset = 0;
        while (offset < body.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(body[offset..], out _, out int consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }

    /// <summary>" (in input[1])" when the bad byte is inside a JSON string the reader can place, else nothing.</summary>
    private static string Where(byte[] body, int offset)
    {
        var path = new JsonPath();
        var reader = new Utf8JsonReader(body);
        try
        {
            while (reader.Read() && reader.TokenStartIndex <= offset)
            {
                path.Advance(reader.TokenType);
                long end = reader.BytesConsumed;
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && offset < end)
                {
                    return $" (in {path.Describe(reader.TokenType == JsonTokenType.PropertyName)})";
                }

                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    path.Name(Encoding.UTF8.GetString(reader.ValueSpan));
                }
            }
        }
        catch (JsonException)
        {
        }

        return string.Empty;
    }

    /// <summary>Where the reader is, as <c>input[3]</c> or <c>options.name</c>: a stack of property names and array indexes.</summary>
    private sealed class JsonPath
    {
        private readonly List<(bool IsArray, int Index, string? Name)> _frames = [];

        /// <summary>Moves to a token: a value in an array bumps the index, a container opens a frame, its end closes it.</summary>
        public void Advance(JsonTokenType token)
        {
            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                _frames.RemoveAt(_frames.Count - 1);
                return;
            }

            if (token != JsonTokenType.PropertyName && _frames.Count > 0 && _frames[^1].IsArray)
            {
                _frames[^1] = _frames[^1] with { Index = _frames[^1].Index + 1 };
            }

            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                _frames.Add((token == JsonTokenType.StartArray, -1, null));
            }
        }

        /// <summary>Records the current property's name.</summary>
        public void Name(string name) => _frames[^1] = _frames[^1] with { Name = name };

        /// <summary>The path; for a property name itself, the object holding it.</summary>
        public string Describe(bool propertyName)
        {
            var text = new StringBuilder();
            int count = propertyName ? _frames.Count - 1 : _frames.Count;
            for (int i = 0; i < count; i++)
            {
                (bool isArray, int index, string? name) = _frames[i];
                if (isArray)
                {
                    text.Append(CultureInfo.InvariantCulture, $"[{index}]");
                }
                else if (name is not null)
                {
                    text.Append(text.Length == 0 ? name : "." + name);
                }
            }

            string where = text.Length == 0 ? "the body" : text.ToString();
            return propertyName ? $"a property name in {where}" : where;
        }
    }
}
