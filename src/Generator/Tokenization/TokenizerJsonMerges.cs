using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>
/// The <c>"merges"</c> of a <c>tokenizer.json</c>: one forward pass notes where each string lies in the UTF-8 buffer,
/// then the half million (left, right, merged) vocabulary lookups run in parallel chunks.
/// </summary>
/// <remarks>Noting positions also lets merges come before the vocabulary in the file.</remarks>
internal sealed class TokenizerJsonMerges
{
    private const int ChunkSize = 1 << 14;

    // Four ints per merge: left start, left length, right start, right length. A negative length marks an escaped
    // string; a right start of -1 marks the legacy "left right" form held in the left string.
    private readonly List<int> _positions = [];

    public int Count => _positions.Count / 4;

    /// <summary>Reads the merges array the reader is positioned on, noting string positions only.</summary>
    public void Read(ref Utf8JsonReader reader, string source)
    {
        TokenizerJsonLoader.Expect(ref reader, JsonTokenType.StartArray, source, "\"merges\"", read: false);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                // Current format: ["left", "right"].
                reader.Read();
                Note(ref reader, source);
                reader.Read();
                Note(ref reader, source);
                if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
                {
                    throw new InvalidDataException($"{source}: merge #{Count - 1} is not a pair.");
                }
            }
            else
            {
                // Legacy format: "left right".
                Note(ref reader, source);
                _positions.Add(-1);
                _positions.Add(0);
            }
        }
    }

    /// <summary>Resolves every merge against the vocabulary into <see cref="BpeModelData.Merges"/>, ranked by position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Runs once per load: skip tier-0 code.
    public void Resolve(byte[] json, BpeModelData data)
    {
        int count = Count;
        int[] positions = [.. _positions];
        long[] keys = new long[count];
        long[] values = new long[count];
        int firstFailure = int.MaxValue;
        Parallel.For(0, (count + ChunkSize - 1) / ChunkSize, chunk =>
        {
            var lookup = data.Vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
            char[] buffer = ArrayPool<char>.Shared.Rent(256);
            try
            {
                int end = Math.Min(count, (chunk + 1) * ChunkSize);
                for (int i = chunk * ChunkSize; i < end; i++)
                {
                    (int leftLength, int rightLength) = Decode(json, positions, i, ref buffer);
                    if (leftLength < 0
                        || !lookup.TryGetValue(buffer.AsSpan(0, leftLength), out int left)
                        || !lookup.TryGetValue(buffer.AsSpan(leftLength, rightLength), out int right)
                        || !lookup.TryGetValue(buffer.AsSpan(0, leftLength + rightLength), out int merged))
                    {
                        InterlockedMin(ref firstFailure, i);
                        continue;
                    }

                    keys[i] = BpeModelData.MergeKey(left, right);
                    values[i] = BpeModelData.MergeValue(i, merged);
                }
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        });

        if (firstFailure != int.MaxValue)
        {
            char[] buffer = ArrayPool<char>.Shared.Rent(256);
            (int leftLength, int rightLength) = Decode(json, positions, firstFailure, ref buffer);
            throw leftLength < 0
                ? new InvalidDataException($"{data.Source}: merge #{firstFailure} '{new string(buffer, 0, rightLength)}' is not 'left right'.")
                : new InvalidDataException(
                    $"{data.Source}: merge #{firstFailure} ('{new string(buffer, 0, leftLength)}', '{new string(buffer, leftLength, rightLength)}') uses a piece that is not in the vocabulary.");
        }

        data.Merges.EnsureCapacity(count);
        for (int i = 0; i < count; i++)
        {
            data.Merges.Add(new(keys[i], values[i]));
        }
    }

    private void Note(ref Utf8JsonReader reader, string source)
    {
        if (reader.TokenType != JsonTokenType.String || reader.HasValueSequence)
        {
            throw new InvalidDataException($"{source}: merge #{Count} holds {reader.TokenType} where a string was expected.");
        }

        _positions.Add((int)reader.TokenStartIndex + 1); // past the opening quote
        _positions.Add(reader.ValueIsEscaped ? ~reader.ValueSpan.Length : reader.ValueSpan.Length);
    }

    /// <summary>Writes left then right contiguously into <paramref name="buffer"/>; a negative left length flags a bad legacy entry.</summary>
    private static (int LeftLength, int RightLength) Decode(byte[] json, int[] positions, int index, ref char[] buffer)
    {
        int at = index * 4;
        int leftLength = DecodeString(json, positions[at], positions[at + 1], ref buffer, 0);
        if (positions[at + 2] >= 0)
        {
            return (leftLength, DecodeString(json, positions[at + 2], positions[at + 3], ref buffer, leftLength));
        }

        Span<char> text = buffer.AsSpan(0, leftLength);
        int space = text.IndexOf(' ');
        if (space < 0 || text[(space + 1)..].Contains(' '))
        {
            return (-1, leftLength);
        }

        text[(space + 1)..].CopyTo(text[space..]);
        return (space, leftLength - space - 1);
    }

    private static int DecodeString(byte[] json, int start, int lengthOrEscaped, ref char[] buffer, int offset)
    {
        bool escaped = lengthOrEscaped < 0;
        int length = escaped ? ~lengthOrEscaped : lengthOrEscaped;
        // Never more chars than UTF-8 bytes (escaped or not).
        if (buffer.Length < offset + length)
        {
            char[] larger = ArrayPool<char>.Shared.Rent((offset + length) * 2);
            buffer.AsSpan(0, offset).CopyTo(larger);
            ArrayPool<char>.Shared.Return(buffer);
            buffer = larger;
        }

        if (!escaped)
        {
            return Encoding.UTF8.GetChars(json.AsSpan(start, length), buffer.AsSpan(offset));
        }

        // A quoted JSON string is a JSON document of its own: let the reader unescape it.
        var reader = new Utf8JsonReader(json.AsSpan(start - 1, length + 2));
        reader.Read();
        return reader.CopyString(buffer.AsSpan(offset));
    }

    private static void InterlockedMin(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value < current)
        {
            int seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
