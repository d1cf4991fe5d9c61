using Google.Protobuf;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>
/// Reads a SentencePiece <c>tokenizer.model</c> (a <c>ModelProto</c>) and converts it to the BPE model Hugging Face's
/// <c>GemmaConverter</c> builds: merges from <c>SentencePieceExtractor</c>, control and user-defined pieces as added tokens.
/// </summary>
internal static class SentencePieceModelLoader
{
    private const int TypeNormal = 1;
    private const int TypeUnknown = 2;
    private const int TypeControl = 3;
    private const int TypeUserDefined = 4;
    private const int ModelTypeBpe = 2;

    public static BpeModelData Load(Stream stream, string source)
    {
        var pieces = new List<(string Piece, float Score, int Type)>(1 << 18);
        int modelType = 1; // UNIGRAM is the proto default.
        string unknownPiece = "<unk>";
        bool addDummyPrefix = true; // proto2 defaults of NormalizerSpec
        bool removeExtraWhitespaces = true;
        bool hasCharsMap = false;
        try
        {
            var input = new CodedInputStream(stream, leaveOpen: true);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        pieces.Add(ReadPiece(input.ReadBytes()));
                        break;
                    case 2 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        (modelType, unknownPiece) = ReadTrainerSpec(input.ReadBytes(), modelType, unknownPiece);
                        break;
                    case 3 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        (addDummyPrefix, removeExtraWhitespaces, hasCharsMap) = ReadNormalizerSpec(input.ReadBytes());
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"{source} is not a valid SentencePiece model: {ex.Message}", ex);
        }

        if (pieces.Count == 0)
        {
            throw new InvalidDataException($"{source} is not a SentencePiece model: it has no pieces.");
        }

        if (modelType != ModelTypeBpe)
        {
            throw new InvalidDataException($"{source}: SentencePiece model type {modelType} is not supported; Gemma uses BPE (2).");
        }

        if (addDummyPrefix || removeExtraWhitespaces || hasCharsMap)
        {
            throw new InvalidDataException(
                $"{source}: the normalizer spec adds a dummy prefix, removes extra whitespace or applies a precompiled normalization; Gemma's does none of these.");
        }

        var data = new BpeModelData(source) { ByteFallback = true, FuseUnknown = true };
        string? unknown = null;
        for (int id = 0; id < pieces.Count; id++)
        {
            (string piece, _, int type) = pieces[id];
            // Hugging Face builds the vocabulary with a dict comprehension: a repeated piece keeps its last id.
            data.Vocabulary[piece] = id;
            if (type == TypeUnknown)
            {
                unknown ??= piece;
            }

            if (type is TypeUnknown or TypeControl or TypeUserDefined)
            {
                data.AddedTokens.Add(new AddedTokenSpec(piece, id, Special: type != TypeUserDefined));
            }
        }

        data.UnknownToken = unknown ?? (data.Vocabulary.ContainsKey(unknownPiece) ? unknownPiece : null);
        SentencePieceMerges.Generate(pieces, data);
        return data;
    }

    private static (string Piece, float Score, int Type) ReadPiece(ByteString bytes)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        string piece = string.Empty;
        float score = 0;
        int type = TypeNormal;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    piece = input.ReadString();
                    break;
                case 2:
                    score = input.ReadFloat();
                    break;
                case 3:
                    type = input.ReadEnum();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (piece, score, type);
    }

    private static (int ModelType, string UnknownPiece) ReadTrainerSpec(ByteString bytes, int modelType, string unknownPiece)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 3:
                    modelType = input.ReadEnum();
                    break;
                case 45:
                    unknownPiece = input.ReadString();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (modelType, unknownPiece);
    }

    private static (bool AddDummyPrefix, bool RemoveExtraWhitespaces, bool HasCharsMap) ReadNormalizerSpec(ByteString bytes)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        bool addDummyPrefix = true;
        bool removeExtraWhitespaces = true;
        bool hasCharsMap = false;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 2:
                    hasCharsMap = input.ReadBytes().Length > 0;
                    break;
                case 3:
                    addDummyPrefix = input.ReadBool();
                    break;
                case 4:
                    removeExtraWhitespaces = input.ReadBool();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (addDummyPrefix, removeExtraWhitespaces, hasCharsMap);
    }
}
