using System.Text.Json;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>Checks the small <c>tokenizer.json</c> sections against what <see cref="GemmaBpeModel"/> implements.</summary>
internal static class TokenizerJsonValidation
{
    /// <summary>Accepts Gemma 3's normalizer, <c>Replace(" ", "▁")</c>, alone or as the only step of a sequence.</summary>
    public static void CheckNormalizer(JsonElement normalizer, string source)
    {
        JsonElement step = SingleStep(normalizer, "normalizers");
        if (TypeOf(step) == "Replace" && PatternString(step) == " " && step.TryGetProperty("content", out JsonElement content)
            && content.ValueKind == JsonValueKind.String && content.GetString() == "\u2581")
        {
            return;
        }

        throw new InvalidDataException(
            $"{source}: unsupported normalizer {normalizer.GetRawText()}; only Gemma's Replace(\" \", \"\u2581\") is supported.");
    }

    /// <summary>Accepts no pre-tokenizer or a split on spaces, a no-op once the normalizer has replaced every space.</summary>
    public static void CheckPreTokenizer(JsonElement preTokenizer, string source)
    {
        if (preTokenizer.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        JsonElement step = SingleStep(preTokenizer, "pretokenizers");
        if (step.ValueKind == JsonValueKind.Null || (TypeOf(step) == "Split" && PatternString(step) == " "))
        {
            return;
        }

        throw new InvalidDataException(
            $"{source}: unsupported pre_tokenizer {preTokenizer.GetRawText()}; Gemma tokenizers split only on \" \", which the normalizer removed.");
    }

    /// <summary>Reads <c>&lt;bos&gt;? $A &lt;eos&gt;?</c> from a <c>TemplateProcessing</c> post-processor.</summary>
    public static TokenFraming? ReadFraming(JsonElement postProcessor, BpeModelData data, string source)
    {
        if (postProcessor.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        JsonElement template = postProcessor;
        if (TypeOf(postProcessor) == "Sequence" && postProcessor.TryGetProperty("processors", out JsonElement processors)
            && processors.ValueKind == JsonValueKind.Array && processors.GetArrayLength() == 1)
        {
            template = processors[0];
        }

        if (TypeOf(template) != "TemplateProcessing" || !template.TryGetProperty("single", out JsonElement single)
            || single.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException(
                $"{source}: unsupported post_processor {postProcessor.GetRawText()}; expected a TemplateProcessing of the form <bos>? $A <eos>?.");
        }

        var items = single.EnumerateArray().ToList();
        int sequenceIndex = items.FindIndex(static item => item.TryGetProperty("Sequence", out _));
        bool bos = sequenceIndex == 1 && IsSpecial(items[0], "<bos>", data);
        bool eos = sequenceIndex >= 0 && items.Count - sequenceIndex - 1 == 1 && IsSpecial(items[^1], "<eos>", data);
        if (sequenceIndex < 0 || sequenceIndex > 1 || items.Count - sequenceIndex - 1 > 1
            || (sequenceIndex == 1 && !bos) || (items.Count - sequenceIndex - 1 == 1 && !eos))
        {
            throw new InvalidDataException(
                $"{source}: unsupported post_processor template {single.GetRawText()}; expected <bos>? $A <eos>?.");
        }

        return new TokenFraming(bos, eos);
    }

    private static bool IsSpecial(JsonElement item, string expected, BpeModelData data)
    {
        if (!item.TryGetProperty("SpecialToken", out JsonElement special) || !special.TryGetProperty("id", out JsonElement id)
            || id.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        // Compare by token id so a template naming the same id under another spelling still counts.
        return TryGetId(data, id.GetString()!, out int actual) && TryGetId(data, expected, out int wanted) && actual == wanted;
    }

    private static bool TryGetId(BpeModelData data, string token, out int id)
    {
        if (data.Vocabulary.TryGetValue(token, out id))
        {
            return true;
        }

        foreach (AddedTokenSpec added in data.AddedTokens)
        {
            if (added.Content == token)
            {
                id = added.Id;
                return true;
            }
        }

        return false;
    }

    private static JsonElement SingleStep(JsonElement element, string listName)
    {
        if (TypeOf(element) == "Sequence" && element.TryGetProperty(listName, out JsonElement steps)
            && steps.ValueKind == JsonValueKind.Array && steps.GetArrayLength() == 1)
        {
            return steps[0];
        }

        return element;
    }

    private static string? TypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;

    private static string? PatternString(JsonElement element) =>
        element.TryGetProperty("pattern", out JsonElement pattern) && pattern.ValueKind == JsonValueKind.Object
            && pattern.TryGetProperty("String", out JsonElement text) && text.ValueKind == JsonValueKind.String
            ? text.GetString()
            : null;
}
