using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>Streams the <c>"model"</c> section of a <c>tokenizer.json</c> (vocabulary and merges) into <see cref="BpeModelData"/>.</summary>
internal static class TokenizerJsonModelReader
{
    public static void ReadModel(ref Utf8JsonReader reader, BpeModelData data)
    {
        string source = data.Source;
        TokenizerJsonLoader.Expect(ref reader, JsonTokenType.StartObject, source, "\"model\"", read: false);
        string? type = null;
        List<(string Left, string Right)>? earlyMerges = null;
        bool sawVocabulary = false;
        char[] buffer = ArrayPool<char>.Shared.Rent(1024);
        try
        {
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
                    case "merges" when sawVocabulary:
                        ReadMerges(ref reader, data, ref buffer, null);
                        break;
                    case "merges":
                        // Merges before the vocabulary: keep the strings and resolve them afterwards (slow path).
                        earlyMerges = [];
                        ReadMerges(ref reader, data, ref buffer, earlyMerges);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }

        if (type != "BPE")
        {
            throw Unsupported(source, $"model type '{type ?? "(none)"}' (Gemma uses BPE)");
        }

        if (!sawVocabulary)
        {
            throw new InvalidDataException($"{source}: the BPE model has no \"vocab\".");
        }

        if (earlyMerges is not null)
        {
            for (int rank = 0; rank < earlyMerges.Count; rank++)
            {
                (string left, string right) = earlyMerges[rank];
                AddMerge(data, left, right, left + right, rank);
            }
        }
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Runs once per load: skip tier-0 code.
    private static void ReadMerges(ref Utf8JsonReader reader, BpeModelData data, ref char[] buffer, List<(string, string)>? deferred)
    {
        TokenizerJsonLoader.Expect(ref reader, JsonTokenType.StartArray, data.Source, "\"merges\"", read: false);
        var lookup = data.Vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        // A SentencePiece-derived BPE has about two merges per piece.
        data.Merges.EnsureCapacity(data.Vocabulary.Count * 2);
        int rank = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int leftLength;
            int rightLength;
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                // Current format: ["left", "right"].
                reader.Read();
                leftLength = CopyString(ref reader, ref buffer, 0, data.Source);
                reader.Read();
                rightLength = CopyString(ref reader, ref buffer, leftLength, data.Source);
                if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
                {
                    throw new InvalidDataException($"{data.Source}: merge #{rank} is not a pair.");
                }
            }
            else
            {
                // Legacy format: "left right".
                int length = CopyString(ref reader, ref buffer, 0, data.Source);
                int space = buffer.AsSpan(0, length).IndexOf(' ');
                if (space < 0 || buffer.AsSpan(space + 1, length - space - 1).Contains(' '))
                {
                    throw new InvalidDataException($"{data.Source}: merge #{rank} '{new string(buffer, 0, length)}' is not 'left right'.");
                }

                buffer.AsSpan(space + 1, length - space - 1).CopyTo(buffer.AsSpan(space));
                leftLength = space;
                rightLength = length - space - 1;
            }

            if (deferred is not null)
            {
                deferred.Add((new string(buffer, 0, leftLength), new string(buffer, leftLength, rightLength)));
            }
            else if (!lookup.TryGetValue(buffer.AsSpan(0, leftLength), out int left)
                || !lookup.TryGetValue(buffer.AsSpan(leftLength, rightLength), out int right)
                || !lookup.TryGetValue(buffer.AsSpan(0, leftLength + rightLength), out int merged))
            {
                throw MergeOutOfVocabulary(data.Source, rank, new string(buffer, 0, leftLength), new string(buffer, leftLength, rightLength));
            }
            else
            {
                data.Merges.Add(new(BpeModelData.MergeKey(left, right), BpeModelData.MergeValue(rank, merged)));
            }

            rank++;
        }
    }

    private static void AddMerge(BpeModelData data, string left, string right, string merged, int rank)
    {
        if (!data.Vocabulary.TryGetValue(left, out int leftId)
            || !data.Vocabulary.TryGetValue(right, out int rightId)
            || !data.Vocabulary.TryGetValue(merged, out int mergedId))
        {
            throw MergeOutOfVocabulary(data.Source, rank, left, right);
        }

        data.Merges.Add(new(BpeModelData.MergeKey(leftId, rightId), BpeModelData.MergeValue(rank, mergedId)));
    }

    private static int CopyString(ref Utf8JsonReader reader, ref char[] buffer, int offset, string source)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new InvalidDataException($"{source}: a merge holds {reader.TokenType} where a string was expected.");
        }

        // An unescaped string never has more chars than its escaped UTF-8 bytes.
        int needed = offset + (reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length);
        if (needed > buffer.Length)
        {
            char[] larger = ArrayPool<char>.Shared.Rent(needed * 2);
            buffer.AsSpan(0, offset).CopyTo(larger);
            ArrayPool<char>.Shared.Return(buffer);
            buffer = larger;
        }

        return reader.CopyString(buffer.AsSpan(offset));
    }

    private static InvalidDataException MergeOutOfVocabulary(string source, int rank, string left, string right) =>
        new($"{source}: merge #{rank} ('{left}', '{right}') uses a piece that is not in the vocabulary.");

    private static InvalidDataException Unsupported(string source, string what) =>
        new($"{source}: unsupported tokenizer.json: {what}.");
}
