using Microsoft.Extensions.AI;
using SkEmbeddingGemma.TestSupport;
using Xunit.Abstractions;

namespace SkEmbeddingGemma.Tests.Media.Audio;

/// <summary>
/// Audio end to end through the public generator: <c>audio/wav</c> <see cref="DataContent"/> alone and text with
/// <c>&lt;|audio|&gt;</c> placeholders embed as transformers.js 4.3.1's <c>EmbeddingGemma2Processor</c> +
/// <c>EmbeddingGemma2Model</c> embed the same WAV files on the same tiny folder: token counts equal, embeddings within 1e-4.
/// </summary>
public sealed class AudioEmbeddingParityTests(ITestOutputHelper output)
{
    private const float Tolerance = 1e-4f;

    private static readonly (string? Text, int[] Audio)[] s_samples =
    [
        (null, [0]),
        ("a voice note: <|audio|> recorded outside", [1]),
        ("first <|audio|> then <|audio|>, compared", [2, 5]),
        (null, [6]),
        (null, [7]),
        ("<|audio|>", [3]),
    ];

    [Fact]
    public async Task Audio_and_text_with_audio_embed_as_transformers_js()
    {
        string model = TestModels.EnsureTinyEmbeddingGemma2Model();
        using var folder = new TempFolder();
        TestClips.Clip[] clips = [.. TestClips.All.Where(c => c.ReferenceBytes is null)];
        Assert.Contains("60s", clips[7].Name, StringComparison.Ordinal);
        List<string> files = TestClips.Write(folder.Path, clips);

        IReadOnlyList<(int[] Ids, float[] Embedding)> reference = await AudioReference.EmbedAsync(files, model, s_samples);

        using var generator = new EmbeddingGemmaGenerator(model);
        DataContent Clip(int i) => new(clips[i].Bytes, "audio/wav") { Name = clips[i].Name };
        GeneratedEmbeddings<Embedding<float>> multimodal = await generator.GenerateMultimodalAsync(
            s_samples.Select(s => new EmbeddingGemmaMultimodalInput { Text = s.Text, Audio = [.. s.Audio.Select(Clip)] }));

        // A clip alone through IEmbeddingGenerator<DataContent, Embedding<float>>, as a VectorData store would call it.
        IEmbeddingGenerator<DataContent, Embedding<float>> media = generator;
        GeneratedEmbeddings<Embedding<float>> alone = await media.GenerateAsync([Clip(0), Clip(6)]);

        for (int s = 0; s < s_samples.Length; s++)
        {
            Assert.Equal(reference[s].Ids.Length, multimodal[s].AdditionalProperties![EmbeddingGemmaGenerator.InputTokenCountPropertyName]);
            double max = TestClips.MaxError(reference[s].Embedding, multimodal[s].Vector.ToArray());
            output.WriteLine($"sample {s} ({s_samples[s].Text ?? "audio only"}): {reference[s].Ids.Length} tokens, max |diff| {max:E2}");
            Assert.True(max <= Tolerance, $"sample {s}: max |diff| {max}");
        }

        Assert.True(TestClips.MaxError(reference[0].Embedding, alone[0].Vector.ToArray()) <= Tolerance);
        Assert.True(TestClips.MaxError(reference[3].Embedding, alone[1].Vector.ToArray()) <= Tolerance);
    }

    [Fact]
    public async Task Bad_audio_through_the_generator_names_the_input_and_the_clip()
    {
        using var generator = new EmbeddingGemmaGenerator(TestModels.EnsureTinyEmbeddingGemma2Model());
        IEmbeddingGenerator<DataContent, Embedding<float>> media = generator;
        DataContent good = new(TestClips.All[0].Bytes, "audio/wav") { Name = "good.wav" };
        DataContent corrupt = new("RIFF....WAVEjunk"u8.ToArray(), "audio/wav") { Name = "broken.wav" };

        EmbeddingGemmaInputException error = await Assert.ThrowsAsync<EmbeddingGemmaInputException>(() => media.GenerateAsync([good, corrupt]));
        Assert.Equal(1, error.InputIndex);
        Assert.Contains("broken.wav", error.Message, StringComparison.Ordinal);
        Assert.Contains("has no 'data' chunk", error.Message, StringComparison.Ordinal);

        EmbeddingGemmaInputException mismatch = await Assert.ThrowsAsync<EmbeddingGemmaInputException>(() => generator.GenerateMultimodalAsync(
            [new EmbeddingGemmaMultimodalInput { Text = "<|audio|> and <|audio|>", Audio = [good] }]));
        Assert.Contains("2 <|audio|> placeholder(s)", mismatch.Message, StringComparison.Ordinal);
    }
}
