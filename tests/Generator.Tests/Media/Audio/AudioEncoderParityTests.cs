using SkEmbeddingGemma.Media.Audio;
using SkEmbeddingGemma.TestSupport;
using Xunit.Abstractions;

namespace SkEmbeddingGemma.Tests.Media.Audio;

/// <summary>
/// The audio pipeline (WAV → features → <c>onnx/audio_encoder.onnx</c>) gives the soft tokens transformers.js 4.3.1's
/// <c>EmbeddingGemma2Model.encode_audio</c> gives on the same tiny folder and files: each clip alone and clips of
/// different lengths padded into one batch, within <see cref="Tolerance"/>, with the same soft-token counts.
/// </summary>
public sealed class AudioEncoderParityTests(ITestOutputHelper output)
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public async Task Soft_tokens_match_transformers_js_alone_and_batched()
    {
        string model = TestModels.EnsureTinyEmbeddingGemma2Model();
        TestClips.Clip[] clips = [.. TestClips.All.Where(c => c.ReferenceBytes is null && !c.Name.Contains("60s", StringComparison.Ordinal))];
        using var folder = new TempFolder();
        List<string> files = TestClips.Write(folder.Path, clips);

        (IReadOnlyList<ReferenceClip> reference, float[]? batch) = await AudioReference.ComputeAsync(files, model);

        using var pipeline = new AudioPipeline(Path.Combine(model, "onnx"));
        var features = new List<AudioFeatures>();
        for (int i = 0; i < files.Count; i++)
        {
            using FileStream stream = File.OpenRead(files[i]);
            features.Add(pipeline.Featurize(stream, files[i]));
        }

        Assert.False(pipeline.IsEncoderLoaded);
        double worst = 0;
        for (int i = 0; i < files.Count; i++)
        {
            EncodedAudio alone = pipeline.Encode([features[i]])[0];
            Assert.Equal(reference[i].SoftTokens, alone.SoftTokens);
            Assert.Equal(reference[i].AudioFeatures!.Length, alone.SoftTokens * alone.Width);
            worst = Math.Max(worst, AssertClose(reference[i].AudioFeatures!, alone.Features, clips[i].Name));
        }

        Assert.True(pipeline.IsEncoderLoaded);
        IReadOnlyList<EncodedAudio> batched = pipeline.Encode(features);
        float[] all = [.. batched.SelectMany(e => e.Features)];
        worst = Math.Max(worst, AssertClose(batch!, all, "batch"));
        output.WriteLine($"{files.Count} clips, {batched.Sum(e => e.SoftTokens)} soft tokens, max error {worst:E2}");
    }

    [Fact]
    public void A_folder_without_an_audio_encoder_fails_only_when_audio_is_encoded()
    {
        using var folder = new TempFolder();
        using var pipeline = new AudioPipeline(folder.Path);
        using var stream = new MemoryStream(TestClips.All[0].Bytes);
        AudioFeatures features = pipeline.Featurize(stream, "clip.wav");
        Assert.Equal(3, features.SoftTokens);

        NotSupportedException error = Assert.Throws<NotSupportedException>(() => pipeline.Encode([features]));
        Assert.Contains(Path.Combine(folder.Path, "audio_encoder.onnx"), error.Message, StringComparison.Ordinal);
    }

    private static double AssertClose(float[] expected, float[] actual, string what)
    {
        double max = TestClips.MaxError(expected, actual);
        Assert.True(max <= Tolerance, $"{what}: audio features differ by {max:E3}");
        return max;
    }
}
