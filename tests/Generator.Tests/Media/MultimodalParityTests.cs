using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Media;
using Xunit.Abstractions;

namespace SkEmbeddingGemma.Tests.Media;

/// <summary>
/// Images, video frames and mixed text + media against transformers.js 4.3.1 on the same files and the same tiny
/// model: processor outputs (pixel values, position ids, soft-token counts, ids after placeholder expansion) and
/// end-to-end embeddings.
/// </summary>
public sealed class MultimodalParityTests(MultimodalReferenceFixture fixture, ITestOutputHelper output) : IClassFixture<MultimodalReferenceFixture>
{
    private static readonly Gemma4ImagePreprocessor s_preprocessor = new(16, 3);

    [Fact]
    public void Pixel_values_positions_and_soft_token_counts_match_the_image_processor()
    {
        for (int i = 0; i < fixture.Images.Length; i++)
        {
            RgbImage decoded = ImageDecoder.Decode(File.ReadAllBytes(fixture.Images[i]), fixture.Images[i]);
            PreparedImage prepared = s_preprocessor.Prepare(decoded, 280, fixture.Images[i]);
            MultimodalReferenceFixture.ReferenceImage reference = fixture.ReferenceImages[i];
            float[] pixels = fixture.ReferencePixels(i);
            long[] positions = fixture.ReferencePositions(i);

            Assert.Equal((reference.Width, reference.Height), (decoded.Width, decoded.Height));
            Assert.Equal(reference.SoftTokens, prepared.SoftTokens);
            Assert.Equal(positions, prepared.Positions);
            Assert.Equal(pixels.Length, prepared.Pixels.Length);
            double max = 0, sum = 0;
            int differing = 0;
            for (int p = 0; p < pixels.Length; p++)
            {
                double d = Math.Abs(pixels[p] - prepared.Pixels[p]);
                max = Math.Max(max, d);
                sum += d;
                differing += d > 0 ? 1 : 0;
            }

            output.WriteLine($"{Path.GetFileName(fixture.Images[i])}: {prepared.Width}x{prepared.Height}, {prepared.SoftTokens} soft tokens, max |diff| {max * 255:F2}/255, mean {sum / pixels.Length * 255:F4}/255, {differing} of {pixels.Length} values differ");
            Assert.True(max == 0, $"{fixture.Images[i]}: max |diff| {max * 255}/255");
        }
    }

    [Fact]
    public void Token_ids_after_placeholder_expansion_equal_the_processor()
    {
        MediaPipeline media = fixture.Generator.Media!;
        for (int s = 0; s < fixture.Samples.Length; s++)
        {
            (int[] ids, _) = media.Prepare(Input(fixture.Samples[s]), s, null);
            Assert.True(fixture.ReferenceSamples[s].Ids.SequenceEqual(ids), $"sample {s}: {ids.Length} ids vs {fixture.ReferenceSamples[s].Ids.Length}");
        }
    }

    [Fact]
    public async Task Embeddings_match_transformers_js()
    {
        GeneratedEmbeddings<Embedding<float>> embeddings = await fixture.Generator.GenerateMultimodalAsync(fixture.Samples.Select(Input));
        for (int s = 0; s < fixture.Samples.Length; s++)
        {
            float[] expected = fixture.ReferenceSamples[s].Embedding;
            float max = expected.Zip(embeddings[s].Vector.ToArray()).Max(p => Math.Abs(p.First - p.Second));
            output.WriteLine($"sample {s}: max |diff| {max:E2}, tokens {embeddings[s].AdditionalProperties![EmbeddingGemmaGenerator.InputTokenCountPropertyName]}");
            Assert.Equal(fixture.ReferenceSamples[s].Ids.Length, embeddings[s].AdditionalProperties![EmbeddingGemmaGenerator.InputTokenCountPropertyName]);
            Assert.True(max <= 1e-4f, $"sample {s}: max |diff| {max}");
        }
    }

    private EmbeddingGemmaMultimodalInput Input(MultimodalReferenceFixture.Sample sample) => new()
    {
        Text = sample.Text,
        Images = [.. sample.Images.Select(Content)],
        Videos = [.. sample.Videos.Select(v => (IReadOnlyList<DataContent>)[.. v.Select(Content)])],
    };

    private DataContent Content(int image) => new(File.ReadAllBytes(fixture.Images[image]), "image/png") { Name = Path.GetFileName(fixture.Images[image]) };
}
