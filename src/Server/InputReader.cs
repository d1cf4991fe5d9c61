using System.Text.Json;
using SkEmbeddingGemma.Tokenization;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// Reads the <c>input</c> / <c>inputs</c> of a request: a string, an array of strings, or token ids (one array of ids,
/// or an array mixing strings and arrays of ids, as OpenAI and TEI allow). Token ids are accepted only when they
/// round-trip through the model's tokenizer (decode, then encode, gives the same ids), because the model embeds text:
/// ids that would become other ids are refused with 400 rather than embedded as something the client did not send.
/// </summary>
internal static class InputReader
{
    public static IReadOnlyList<string> Read(JsonElement element, string name, EmbeddingGemmaServerOptions options, EmbeddingGemmaGenerator model)
    {
        List<string> inputs;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                inputs = [element.GetString()!];
                break;
            case JsonValueKind.Array when element.GetArrayLength() > 0 && element[0].ValueKind == JsonValueKind.Number:
                inputs = [FromTokenIds(element, name, model.Tokenizer)];
                break;
            case JsonValueKind.Array:
                inputs = new List<string>(element.GetArrayLength());
                int index = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    string where = $"{name}[{index++}]";
                    inputs.Add(item.ValueKind switch
                    {
                        JsonValueKind.String => item.GetString()!,
                        JsonValueKind.Array => FromTokenIds(item, where, model.Tokenizer),
                        _ => throw new ApiException(422, $"{where} must be a string or an array of token ids."),
                    });
                }

                break;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                throw new ApiException(422, $"'{name}' is required.");
            default:
                throw new ApiException(422, $"'{name}' must be a string or an array of strings.");
        }

        if (inputs.Count == 0)
        {
            throw new ApiException(422, $"'{name}' is empty.");
        }

        if (inputs.Count > options.MaxClientBatchSize)
        {
            throw new ApiException(413, $"'{name}' has {inputs.Count} items; the limit is {options.MaxClientBatchSize} per request (max client batch size).");
        }

        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Length > options.MaxInputLength)
            {
                throw new ApiException(413, $"{name}[{i}] has {inputs[i].Length} characters; the limit is {options.MaxInputLength}.");
            }
        }

        return inputs;
    }

    /// <summary>The text of token ids, if it tokenizes back to the same ids; a leading <c>&lt;bos&gt;</c> and trailing <c>&lt;eos&gt;</c> are the framing and dropped.</summary>
    private static string FromTokenIds(JsonElement array, string where, GemmaTokenizer tokenizer)
    {
        var ids = new List<int>(array.GetArrayLength());
        int position = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int id) || id < 0 || id >= tokenizer.VocabularySize)
            {
                throw new ApiException(422, $"{where}[{position}] is {item.GetRawText()}, not a token id of this model (0..{tokenizer.VocabularySize - 1}).");
            }

            ids.Add(id);
            position++;
        }

        int start = ids.Count > 0 && ids[0] == tokenizer.BeginningOfSentenceId ? 1 : 0;
        int end = ids.Count > start && ids[^1] == tokenizer.EndOfSentenceId ? ids.Count - 1 : ids.Count;
        List<int> text = ids.GetRange(start, end - start);
        int special = text.FindIndex(id => id == tokenizer.BeginningOfSentenceId || id == tokenizer.EndOfSentenceId || id == tokenizer.PaddingId);
        if (special >= 0)
        {
            throw new ApiException(400, $"{where}[{special + start}] is the special token {text[special]}: send the ids of a text, framed at most by <bos> ... <eos>.");
        }

        string decoded = tokenizer.Decode(text);
        var again = new List<int>(text.Count);
        tokenizer.AppendTextIds(decoded, again);
        if (!again.SequenceEqual(text))
        {
            string shown = decoded.Length > 60 ? decoded[..60] + "..." : decoded;
            throw new ApiException(400,
                $"{where}: these token ids do not round-trip through this model's tokenizer (they decode to \"{shown}\", which tokenizes " +
                $"to other ids), so they can't be embedded as sent; send the text instead (ids from another model's tokenizer never fit).");
        }

        return decoded;
    }
}
