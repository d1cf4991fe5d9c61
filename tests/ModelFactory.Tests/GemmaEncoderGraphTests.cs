using SkEmbeddingGemma.TestSupport;
using Xunit.Abstractions;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>The ONNX graph against the independent reference forward pass.</summary>
public sealed class GemmaEncoderGraphTests(TinyModelFixture fixture, ITestOutputHelper output) : IClassFixture<TinyModelFixture>
{
    private const float Tolerance = 1e-4f;
    private static readonly int s_vocab = GemmaEncoderConfig.Tiny.VocabSize;

    [Fact]
    public void Batch_with_padding_matches_reference()
    {
        TokenBatch batch = TokenBatch.Pad(TokenBatch.RandomTokens(1, 37, s_vocab), TokenBatch.RandomTokens(2, 20, s_vocab));

        (float[] hidden, float[] embedding) = OrtRunner.Run(fixture.Session, batch.Ids, batch.Mask, batch.BatchSize);
        GemmaEncoderOutput expected = fixture.Reference.Forward(batch.Ids, batch.Mask, batch.BatchSize);

        Assert.Equal(2 * 37 * GemmaEncoderConfig.Tiny.HiddenSize, hidden.Length);
        Assert.Equal(2 * GemmaEncoderConfig.Tiny.EmbeddingDimensions, embedding.Length);
        AssertClose(expected.LastHiddenState.Span, hidden, Tolerance);
        AssertClose(expected.SentenceEmbedding.Span, embedding, Tolerance);
    }

    [Fact]
    public void Sequences_longer_than_the_window_match_reference_and_the_window_matters()
    {
        TokenBatch batch = TokenBatch.Pad(TokenBatch.RandomTokens(3, 300, s_vocab), TokenBatch.RandomTokens(4, 280, s_vocab));

        (float[] hidden, float[] embedding) = OrtRunner.Run(fixture.Session, batch.Ids, batch.Mask, batch.BatchSize);
        GemmaEncoderOutput expected = fixture.Reference.Forward(batch.Ids, batch.Mask, batch.BatchSize);

        AssertClose(expected.LastHiddenState.Span, hidden, Tolerance);
        AssertClose(expected.SentenceEmbedding.Span, embedding, Tolerance);

        // Same weights, but every sliding layer sees everything: tokens far apart must now differ.
        var unwindowed = new GemmaEncoderReference(GemmaEncoderConfig.Tiny with { SlidingWindow = 4096 }, TinyModelFixture.Seed);
        GemmaEncoderOutput wrong = unwindowed.Forward(batch.Ids, batch.Mask, batch.BatchSize);
        output.WriteLine($"unwindowed reference differs by {MaxAbsDiff(wrong.LastHiddenState.Span, hidden):E3} (hidden), {MaxAbsDiff(wrong.SentenceEmbedding.Span, embedding):E3} (embedding)");
        Assert.True(MaxAbsDiff(wrong.LastHiddenState.Span, hidden) > 1e-2, "A graph without the sliding window would pass too.");
        Assert.True(MaxAbsDiff(wrong.SentenceEmbedding.Span, embedding) > 1e-3, "The window does not reach the sentence embedding.");
    }

    [Fact]
    public void Short_sequences_do_not_depend_on_the_window()
    {
        TokenBatch batch = TokenBatch.Pad(TokenBatch.RandomTokens(5, 200, s_vocab));
        (float[] hidden, _) = OrtRunner.Run(fixture.Session, batch.Ids, batch.Mask, batch.BatchSize);

        var unwindowed = new GemmaEncoderReference(GemmaEncoderConfig.Tiny with { SlidingWindow = 4096 }, TinyModelFixture.Seed);
        AssertClose(unwindowed.Forward(batch.Ids, batch.Mask, 1).LastHiddenState.Span, hidden, Tolerance);
    }

    [Fact]
    public void Padding_does_not_change_a_sequence()
    {
        long[] tokens = TokenBatch.RandomTokens(6, 50, s_vocab);
        TokenBatch alone = TokenBatch.Pad(tokens);
        TokenBatch padded = TokenBatch.Pad(TokenBatch.RandomTokens(7, 90, s_vocab), tokens);

        (float[] aloneHidden, float[] aloneEmbedding) = OrtRunner.Run(fixture.Session, alone.Ids, alone.Mask, 1);
        (float[] paddedHidden, float[] paddedEmbedding) = OrtRunner.Run(fixture.Session, padded.Ids, padded.Mask, 2);

        int h = GemmaEncoderConfig.Tiny.HiddenSize, d = GemmaEncoderConfig.Tiny.EmbeddingDimensions;
        AssertClose(aloneHidden, paddedHidden.AsSpan(90 * h, 50 * h), 1e-5f);
        AssertClose(aloneEmbedding, paddedEmbedding.AsSpan(d, d), 1e-5f);
    }

    [Fact]
    public void Windows_holding_only_padding_stay_finite()
    {
        // Row 2 has one real token; its positions beyond 256 see only padding in sliding layers.
        TokenBatch batch = TokenBatch.Pad(TokenBatch.RandomTokens(8, 300, s_vocab), [2], TokenBatch.RandomTokens(9, 300, s_vocab));
        Array.Clear(batch.Mask, 2 * 300, 300); // and row 3 is all padding

        (float[] hidden, float[] embedding) = OrtRunner.Run(fixture.Session, batch.Ids, batch.Mask, 3);

        Assert.All(hidden, v => Assert.True(float.IsFinite(v)));
        Assert.All(embedding, v => Assert.True(float.IsFinite(v)));
        GemmaEncoderOutput expected = fixture.Reference.Forward(batch.Ids, batch.Mask, 3);
        AssertClose(expected.SentenceEmbedding.Span, embedding, Tolerance);
    }

    [Fact]
    public void Embeddings_are_unit_length_finite_and_distinct()
    {
        TokenBatch batch = TokenBatch.Pad(TokenBatch.RandomTokens(10, 12, s_vocab), TokenBatch.RandomTokens(11, 16, s_vocab), TokenBatch.RandomTokens(12, 9, s_vocab));
        (_, float[] embedding) = OrtRunner.Run(fixture.Session, batch.Ids, batch.Mask, 3);

        int d = GemmaEncoderConfig.Tiny.EmbeddingDimensions;
        for (int b = 0; b < 3; b++)
        {
            ReadOnlySpan<float> row = embedding.AsSpan(b * d, d);
            Assert.All(row.ToArray(), v => Assert.True(float.IsFinite(v)));
            Assert.Equal(1.0, Math.Sqrt(Dot(row, row)), 4);
        }

        output.WriteLine($"cosines {Dot(embedding.AsSpan(0, d), embedding.AsSpan(d, d)):F3}, {Dot(embedding.AsSpan(0, d), embedding.AsSpan(2 * d, d)):F3}");
        Assert.InRange(Dot(embedding.AsSpan(0, d), embedding.AsSpan(d, d)), -0.99, 0.9);
        Assert.InRange(Dot(embedding.AsSpan(0, d), embedding.AsSpan(2 * d, d)), -0.99, 0.9);
    }

    private void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double diff = MaxAbsDiff(expected, actual);
        output.WriteLine($"max abs diff {diff:E3} over {expected.Length} values");
        Assert.True(diff <= tolerance, $"max |expected - actual| = {diff:E3} > {tolerance:E1}");
    }

    internal static double MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - (double)b[i]));
        }

        return double.IsNaN(max) ? double.PositiveInfinity : max;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * (double)b[i];
        }

        return sum;
    }
}
