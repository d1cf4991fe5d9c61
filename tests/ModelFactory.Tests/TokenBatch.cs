namespace SkEmbeddingGemma.ModelFactory;

/// <summary>Right-padded [batch, sequence] id/mask arrays built from token lists, as a tokenizer would.</summary>
internal sealed record TokenBatch(long[] Ids, long[] Mask, int BatchSize, int SequenceLength)
{
    public static TokenBatch Pad(params long[][] sequences)
    {
        int t = sequences.Max(s => s.Length);
        var ids = new long[sequences.Length * t];
        var mask = new long[ids.Length];
        for (int b = 0; b < sequences.Length; b++)
        {
            sequences[b].CopyTo(ids, b * t);
            mask.AsSpan(b * t, sequences[b].Length).Fill(1);
        }

        return new TokenBatch(ids, mask, sequences.Length, t);
    }

    /// <summary>Random ids from the real vocabulary range, starting with BOS like Gemma's tokenizer.</summary>
    public static long[] RandomTokens(int seed, int length, int vocabSize)
    {
        var random = new Random(seed);
        var ids = new long[length];
        ids[0] = 2;
        for (int i = 1; i < length; i++)
        {
            ids[i] = random.Next(3, vocabSize);
        }

        return ids;
    }
}
