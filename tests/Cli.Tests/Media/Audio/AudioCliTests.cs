using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Media.Audio;

/// <summary><c>embeddinggemma embed</c> with audio JSON lines, as a real process over the tiny EmbeddingGemma 2 folder.</summary>
public sealed class AudioCliTests(TinyEmbeddingGemma2Fixture fixture) : IClassFixture<TinyEmbeddingGemma2Fixture>
{
    [Fact]
    public async Task Embed_takes_audio_and_text_with_audio_lines_and_matches_the_library()
    {
        using var folder = new TempFolder();
        byte[] note = TestClips.All[1].Bytes, beep = TestClips.All[0].Bytes;
        await File.WriteAllBytesAsync(Path.Combine(folder.Path, "note.wav"), note);
        await File.WriteAllBytesAsync(Path.Combine(folder.Path, "beep.wav"), beep);
        string input = Path.Combine(folder.Path, "in.jsonl"), output = Path.Combine(folder.Path, "out.jsonl");
        await File.WriteAllLinesAsync(input,
        [
            JsonSerializer.Serialize(new { audio = "note.wav" }),
            JsonSerializer.Serialize(new { text = "a memo: <|audio|>", audio = "beep.wav" }),
        ]);

        (int code, _, string stderr) = await CliProcess.RunAsync("embed", "--model", fixture.ModelDirectory, "--input", input, "--output", output);

        Assert.True(code == 0, stderr);
        GeneratedEmbeddings<Embedding<float>> expected = await fixture.Generator.GenerateMultimodalAsync(
        [
            new EmbeddingGemmaMultimodalInput { Audio = [new DataContent(note, "audio/wav")] },
            new EmbeddingGemmaMultimodalInput { Text = "a memo: <|audio|>", Audio = [new DataContent(beep, "audio/wav")] },
        ]);
        string[] lines = await File.ReadAllLinesAsync(output);
        Assert.Equal(2, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            using JsonDocument line = JsonDocument.Parse(lines[i]);
            float[] vector = [.. line.RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())];
            Assert.True(vector.Zip(expected[i].Vector.ToArray()).Max(p => Math.Abs(p.First - p.Second)) <= 1e-6f, $"line {i + 1}");
        }
    }

    [Fact]
    public async Task Embed_refuses_a_corrupt_wav_naming_the_line_and_writes_nothing()
    {
        using var folder = new TempFolder();
        await File.WriteAllBytesAsync(Path.Combine(folder.Path, "ok.wav"), TestClips.All[0].Bytes);
        await File.WriteAllBytesAsync(Path.Combine(folder.Path, "empty.wav"), WavFileWriter.Header(1, 16_000, 16, 0));
        string input = Path.Combine(folder.Path, "in.jsonl"), output = Path.Combine(folder.Path, "out.jsonl");
        await File.WriteAllLinesAsync(input, [JsonSerializer.Serialize(new { audio = "ok.wav" }), JsonSerializer.Serialize(new { audio = "empty.wav" })]);

        (int code, _, string stderr) = await CliProcess.RunAsync("embed", "--model", fixture.ModelDirectory, "--input", input, "--output", output);

        Assert.NotEqual(0, code);
        Assert.Contains("line 2", stderr, StringComparison.Ordinal);
        Assert.Contains("'empty.wav', audio/wav) has no samples", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output), stderr);
    }
}
