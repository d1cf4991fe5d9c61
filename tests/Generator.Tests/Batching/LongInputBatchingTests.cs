using SkEmbeddingGemma.Batching;

namespace SkEmbeddingGemma.Tests.Batching;

/// <summary>
/// Rows beyond EmbeddingGemma 300m's 2,048 tokens cost the square of their length, so the budget bounds attention memory
/// at EmbeddingGemma 2's 8,192 tokens, and nothing changes up to 2,048.
/// </summary>
public sealed class LongInputBatchingTests
{
    [Fact]
    public void Eight_inputs_of_8192_tokens_never_share_a_run_under_the_default_budget()
    {
        int[] lengths = Enumerable.Repeat(8192, 8).ToArray();
        var defaults = new EmbeddingGemmaGeneratorOptions();

        List<int[]> batches = BatchPlanner.Plan(lengths, defaults.MaxBatchSize, defaults.MaxBatchTokens);

        Assert.Equal(8, batches.Count);
        Assert.All(batches, b => Assert.Single(b));
    }

    [Fact]
    public void A_budget_raised_for_short_inputs_holds_few_long_ones()
    {
        // 65,536 padded tokens is 8 × 8,192 or 32 × 2,048 in a linear budget; long rows count length² / 2,048.
        List<int[]> longRows = BatchPlanner.Plan(Enumerable.Repeat(8192, 8).ToArray(), maxBatchSize: 64, maxBatchTokens: 65536);
        List<int[]> midRows = BatchPlanner.Plan(Enumerable.Repeat(4096, 8).ToArray(), maxBatchSize: 64, maxBatchTokens: 65536);
        List<int[]> shortRows = BatchPlanner.Plan(Enumerable.Repeat(2048, 40).ToArray(), maxBatchSize: 64, maxBatchTokens: 65536);

        Assert.Equal([2, 2, 2, 2], longRows.Select(b => b.Length));
        Assert.Equal([8], midRows.Select(b => b.Length));
        Assert.Equal([32, 8], shortRows.Select(b => b.Length));
    }

    [Fact]
    public void The_cost_is_padded_tokens_up_to_2048_and_quadratic_beyond()
    {
        Assert.Equal(8 * 128, BatchPlanner.Cost(8, 128));
        Assert.Equal(4 * 2048, BatchPlanner.Cost(4, 2048));
        Assert.Equal(2 * 4096 * 2, BatchPlanner.Cost(2, 4096));
        Assert.Equal(8192L * 4, BatchPlanner.Cost(1, 8192));
    }
}
