using SkEmbeddingGemma.Batching;

namespace SkEmbeddingGemma.Tests.Batching;

public sealed class BatchPlannerTests
{
    [Fact]
    public void Longest_first_within_row_and_token_budgets()
    {
        int[] lengths = [5, 100, 7, 100, 6, 50];

        List<int[]> batches = BatchPlanner.Plan(lengths, maxBatchSize: 3, maxBatchTokens: 210);

        // 100,100 (a third row would pad to 300 > 210); 50 alone (7 beside it would leave 43% padding); then 7,6,5.
        Assert.Equal([[1, 3], [5], [2, 4, 0]], batches);
    }

    [Fact]
    public void Every_input_appears_once_and_an_oversized_input_runs_alone()
    {
        int[] lengths = [3000, 1, 2, 3];

        List<int[]> batches = BatchPlanner.Plan(lengths, maxBatchSize: 64, maxBatchTokens: 1000);

        Assert.Equal([0], batches[0]);
        Assert.Equal([0, 1, 2, 3], batches.SelectMany(b => b).Order().ToArray());
    }

    [Fact]
    public void Batches_stay_at_least_80_percent_real_tokens()
    {
        int[] lengths = Enumerable.Range(0, 200).Select(i => 8 + (i * 37 % 390)).ToArray();

        List<int[]> batches = BatchPlanner.Plan(lengths, maxBatchSize: 64, maxBatchTokens: 8192);

        Assert.All(batches, b => Assert.True(b.Sum(i => lengths[i]) >= BatchPlanner.MinimumFill * b.Length * b.Max(i => lengths[i])));
        Assert.Equal(200, batches.Sum(b => b.Length));
    }

    [Fact]
    public void Empty_input_plans_nothing()
    {
        Assert.Empty(BatchPlanner.Plan([], 8, 100));
    }

    [Fact]
    public void Padding_is_right_padding_with_a_zero_mask()
    {
        using TokenBatch batch = TokenBatch.Create([new TokenizedInput(0, [2, 10, 11, 1], false), new TokenizedInput(1, [2, 1], false)], paddingId: 0);

        Assert.Equal(2, batch.Rows);
        Assert.Equal(4, batch.Columns);
        Assert.Equal([2L, 10, 11, 1, 2, 1, 0, 0], batch.InputIds[..8]);
        Assert.Equal([1L, 1, 1, 1, 1, 1, 0, 0], batch.AttentionMask[..8]);
    }
}
