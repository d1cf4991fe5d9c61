using SkEmbeddingGemma.Media.Audio;
using SkEmbeddingGemma.TestSupport;
using Xunit.Abstractions;

namespace SkEmbeddingGemma.Tests.Media.Audio;

/// <summary>
/// WAV decoding and log-mel features equal transformers.js 4.3.1 on the same generated files (read as its Node.js
/// guide does, with wavefile): 16 kHz samples within <see cref="SampleTolerance"/>, features within
/// <see cref="FeatureTolerance"/>, frame counts, masks and soft-token counts exact.
/// </summary>
public sealed class AudioFeatureParityTests(ITestOutputHelper output)
{
    // Measured on these clips: samples are bit-equal except the 60 s clip, whose backward filter pass starts at the end
    // of the decoded prefix (4.2e-8: one float ulp here and there); features differ by at most 2.2e-6 after the log
    // (the mel product: doubles here, a float32 ONNX MatMul there).
    private const double SampleTolerance = 1e-6;
    private const float FeatureTolerance = 1e-5f;

    [Fact]
    public async Task Every_clip_decodes_and_featurizes_as_transformers_js()
    {
        using var folder = new TempFolder();
        List<string> files = TestClips.Write(folder.Path, TestClips.All);
        List<string> referenceFiles = TestClips.Write(folder.Path, TestClips.All, reference: true);

        (IReadOnlyList<ReferenceClip> reference, _) = await AudioReference.ComputeAsync(referenceFiles, samples: true);

        for (int i = 0; i < files.Count; i++)
        {
            string name = TestClips.All[i].Name;
            MonoAudio audio;
            using (FileStream stream = File.OpenRead(files[i]))
            {
                audio = WavDecoder.Decode(stream, name, LogMelSettings.MaxSamples, AudioDecodingLimits.Default, CancellationToken.None);
            }

            ReferenceClip expected = reference[i];
            Assert.Equal(expected.Length, audio.Length);
            Assert.Equal(expected.Samples!.Length, audio.Samples.Length);
            double sampleError = TestClips.MaxError(expected.Samples, audio.Samples);

            AudioFeatures features = LogMelExtractor.Extract(audio);
            Assert.Equal(expected.Frames, features.Frames);
            Assert.Equal(expected.Mask, features.Mask);
            Assert.Equal(expected.SoftTokens, features.SoftTokens);
            Assert.Equal(expected.Features.Length, features.Values.Length);
            double featureError = TestClips.MaxError(expected.Features, features.Values);
            output.WriteLine($"{name}: {audio.Samples.Length} samples (max error {sampleError:E2}), {features.Frames} frames, {features.SoftTokens} soft tokens (max feature error {featureError:E2})");
            Assert.True(sampleError <= SampleTolerance, $"{name}: samples differ by {sampleError:E3}");
            Assert.True(featureError <= FeatureTolerance, $"{name}: features differ by {featureError:E3}");
        }
    }
}
