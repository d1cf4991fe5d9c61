using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>Streams the <c>"model"</c> section of a <c>tokenizer.json</c> (vocabulary and merges) into <see cref="BpeModelData"/>.</summary>
internal static class TokenizerJsonModelReader
{
    public static void ReadModel(ref Utf8JsonReader reader, byte[] json, BpeModelData data)
    {
        string source = data.Source;
        TokenizerJsonLoader.Expect(ref reader, JsonTokenType.StartObject, source, "\"model\"", read: false);
        string? type = null;
        TokenizerJsonMerges? merges = null;
        bool sawVocabulary = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "type":
                    type = reader.GetString();
                    if (type != "BPE")
                    {
                        throw Unsupported(source, $"model type '{type}' (Gemma uses BPE)");
                    }

                    break;
                case "unk_token":
                    data.UnknownToken = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    break;
                case "fuse_unk":
                    data.FuseUnknown = reader.TokenType == JsonTokenType.True;
                    break;
                case "byte_fallback":
                    data.ByteFallback = reader.TokenType == JsonTokenType.True;
                    break;
                case "ignore_merges" when reader.TokenType == JsonTokenType.True:
                    throw Unsupported(source, "\"ignore_merges\": true");
                case "dropout" when reader.TokenType == JsonTokenType.Number && reader.GetDouble() != 0:
                    throw Unsupported(source, "BPE dropout");
                case "continuing_subword_prefix" or "end_of_word_suffix"
                    when reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0:
                    throw Unsupported(source, $"\"{name}\"");
                case "vocab":
                    ReadVocabulary(ref reader, data);
                    sawVocabulary = true;
                    break;
                case "merges":
                    merges = new TokenizerJsonMerges();
                    merges.Read(ref reader, source);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (type != "BPE")
        {
            throw Unsupported(source, $"model type '{type ?? "(none)"}' (Gemma uses BPE)");
        }

        if (!sawVocabulary)
        {
            throw new InvalidDataException($"{source}: the BPE model has no \"vocab\".");
        }

        // Resolved after the whole section, so merges may precede the vocabulary.
        merges?.Resolve(json, data);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Runs once per load: skip tier-0 code.
    private static void ReadVocabulary(ref Utf8JsonReader reader, BpeModelData data)
    {
        TokenizerJsonLoader.Expect(ref reader, JsonTokenType.StartObject, data.Source, "\"vocab\"", read: false);
        Dictionary<string, int> vocabulary = data.Vocabulary;
        vocabulary.EnsureCapacity(1 << 18);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string piece = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int id))
            {
                throw new InvalidDataException($"{data.Source}: vocabulary entry '{piece}' has no integer id.");
            }

            if (!vocabulary.TryAdd(piece, id))
            {
                throw new InvalidDataException($"{data.Source}: vocabulary entry '{piece}' appears twice.");
            }
        }
    }

    private static InvalidDataException Unsupported(string source, string what) =>
        new($"{source}: unsupported tokenizer.json: {what}.");
}
