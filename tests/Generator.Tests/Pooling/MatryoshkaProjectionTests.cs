using SkEmbeddingGemma.Pooling;

namespace SkEmbeddingGemma.Tests.Pooling;

public sealed class MatryoshkaProjectionTests
{
    [Fact]
    public void Full_width_is_returned_bit_for_bit()
    {
        float[] embedding = [0.6f, 0.8f, 0f];

        Assert.Equal(embedding, MatryoshkaProjection.Project(embedding, 3));
    }

    [Fact]
    public void Truncation_keeps_the_prefix_and_renormalizes()
    {
        float[] embedding = [0.48f, 0.64f, 0.6f];

        float[] projected = MatryoshkaProjection.Project(embedding, 2);

        Assert.Equal(0.6f, projected[0], 6);
        Assert.Equal(0.8f, projected[1], 6);
    }

    [Fact]
    public void Zero_prefix_stays_zero_instead_of_nan()
    {
        float[] projected = MatryoshkaProjection.Project([0f, 0f, 1f], 2);

        Assert.Equal([0f, 0f], projected);
    }
}
