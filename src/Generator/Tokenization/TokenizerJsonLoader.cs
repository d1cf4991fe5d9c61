using System.Text.Json;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> with one forward <see cref="Utf8JsonReader"/> pass:
/// the 33 MB vocabulary and merges are never materialized as a DOM.
/// </summary>
internal static class TokenizerJsonLoader
{
    private static readonly JsonReaderOptions s_options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static (BpeModelData Data, TokenFraming? Framing) Load(Stream stream, string source)
    {
        (byte[] buffer, int length) = ReadAll(stream);
        try
        {
            return Parse(buffer, length, source);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // A string the reader can't decode, such as a lone surrogate escape.
            throw new InvalidDataException($"{source} is not a valid tokenizer.json: {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            // Duplicate vocabulary keys and similar structural faults surface as ArgumentException.
            throw new InvalidDataException($"{source} is not a valid tokenizer.json: {ex.Message}", ex);
        }
    }

    private static (byte[] Buffer, int Length) ReadAll(Stream stream)
    {
        // An exact, uninitialized array: pooling a 33 MB buffer would pin 64 MB in ArrayPool for the process lifetime.
        long remaining = stream.CanSeek ? stream.Length - stream.Position : 0;
        if (remaining is > 0 and < int.MaxValue)
        {
            byte[] exact = GC.AllocateUninitializedArray<byte>((int)remaining);
            int read = 0;
            while (read < exact.Length && stream.Read(exact, read, exact.Length - read) is var n and > 0)
            {
                read += n;
            }

            if (read == exact.Length && stream.ReadByte() < 0)
            {
                return (exact, read);
            }

            var rest = new MemoryStream();
            rest.Write(exact, 0, read);
            stream.CopyTo(rest);
            return (rest.GetBuffer(), (int)rest.Length);
        }

        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return (buffer.GetBuffer(), (int)buffer.Length);
    }

    private static (BpeModelData Data, TokenFraming? Framing) Parse(byte[] buffer, int length, string source)
    {
        ReadOnlySpan<byte> json = buffer.AsSpan(0, length);
        var data = new BpeModelData(source);
        var reader = new Utf8JsonReader(json, s_options);
        Expect(ref reader, JsonTokenType.StartObject, source, "the document");
        JsonElement? postProcessor = null;
        bool sawModel = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                TokenizerJsonModelReader.ReadModel(ref reader, buffer, data);
                sawModel = true;
            }
            else if (reader.ValueTextEquals("added_tokens"u8))
            {
                reader.Read();
                ReadAddedTokens(ref reader, data);
            }
            else if (reader.ValueTextEquals("normalizer"u8))
            {
                reader.Read();
                using JsonDocument normalizer = JsonDocument.ParseValue(ref reader);
                TokenizerJsonValidation.CheckNormalizer(normalizer.RootElement, source);
            }
            else if (reader.ValueTextEquals("pre_tokenizer"u8))
            {
                reader.Read();
                using JsonDocument preTokenizer = JsonDocument.ParseValue(ref reader);
                TokenizerJsonValidation.CheckPreTokenizer(preTokenizer.RootElement, source);
            }
            else if (reader.ValueTextEquals("post_processor"u8))
            {
                reader.Read();
                using JsonDocument document = JsonDocument.ParseValue(ref reader);
                postProcessor = document.RootElement.Clone();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (!sawModel)
        {
            throw new InvalidDataException($"{source} has no \"model\" section.");
        }

        data.CheckAddedTokenIds(i => $"{source}: \"added_tokens\" entry {i}");
        TokenFraming? framing = postProcessor is { } element ? TokenizerJsonValidation.ReadFraming(element, data, source) : null;
        return (data, framing);
    }

    private static void ReadAddedTokens(ref Utf8JsonReader reader, BpeModelData data)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        Expect(ref reader, JsonTokenType.StartArray, data.Source, "\"added_tokens\"", read: false);
        for (int index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            JsonElement token = document.RootElement;
            if (token.ValueKind != JsonValueKind.Object
                || !token.TryGetProperty("id", out JsonElement id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out int tokenId)
                || !token.TryGetProperty("content", out JsonElement content) || content.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"{data.Source}: \"added_tokens\" entry {index} lacks an integer \"id\" or a string \"content\": {token.GetRawText()}");
            }

            bool special = GetBool(token, "special", false);
            string text = GetContent(content, data.Source, index);
            if (GetBool(token, "lstrip", false) || GetBool(token, "rstrip", false) || GetBool(token, "single_word", false)
                || GetBool(token, "normalized", !special))
            {
                throw new InvalidDataException(
                    $"{data.Source}: \"added_tokens\" entry {index} ('{text}', id {tokenId}) uses lstrip, rstrip, single_word or normalized, which Gemma tokenizers do not use and this loader does not support.");
            }

            data.AddedTokens.Add(new AddedTokenSpec(text, tokenId, special));
        }
    }

    private static string GetContent(JsonElement content, string source, int index)
    {
        try
        {
            return content.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidDataException($"{source}: \"added_tokens\" entry {index}: \"content\" holds a lone surrogate escape, which is not Unicode text.", ex);
        }
    }

    private static bool GetBool(JsonElement element, string name, bool fallback) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : fallback;

    internal static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string source, string what, bool read = true)
    {
        if ((read && !reader.Read()) || reader.TokenType != type)
        {
            throw new InvalidDataException($"{source}: expected {type} for {what} but found {reader.TokenType}.");
        }
    }
}
