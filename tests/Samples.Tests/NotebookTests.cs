using System.Globalization;
using System.Numerics.Tensors;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Samples.Tests;

/// <summary>
/// Runs samples/Notebook/walkthrough.cs exactly as the README says (<c>dotnet run</c> of a file-based app) on the tiny
/// model, and checks each cell's output against values computed here with the library.
/// </summary>
public sealed partial class NotebookTests
{
    private const string Query = "Which planet is known as the Red Planet?";

    private static readonly string[] s_documents =
    [
        "Venus is often called Earth's twin because of its similar size and proximity.",
        "Mars, known for its reddish appearance, is often referred to as the Red Planet.",
        "Jupiter, the largest planet in our solar system, has a prominent red spot.",
    ];

    [Theory]
    [InlineData("v1", 64, 2048, 32)]
    [InlineData("v2", 768, 8192, 128)]
    public async Task The_walkthrough_runs_every_cell_and_prints_what_the_library_computes(string family, int dimensions, int maxTokens, int smallestWidth)
    {
        string model = TinyModel.For(family);
        string output = await TestAssets.RunProcessAsync(
            "dotnet", ["run", "samples/Notebook/walkthrough.cs", "-c", "Release", "--", model], TestAssets.RepositoryRoot);

        string[] cells = [.. Regex.Matches(output, @"^## (\d)\.", RegexOptions.Multiline).Select(m => m.Groups[1].Value)];
        Assert.Equal(["1", "2", "3", "4", "5"], cells);
        Assert.Contains($"dimensions: {dimensions}, max tokens: {maxTokens}", output, StringComparison.Ordinal);

        using var generator = new EmbeddingGemmaGenerator(model);
        Embedding<float> query = await generator.GenerateQueryEmbeddingAsync(Query);
        GeneratedEmbeddings<Embedding<float>> documents = await generator.GenerateDocumentEmbeddingsAsync(s_documents);
        float[] scores = [.. documents.Select(d => TensorPrimitives.Dot(query.Vector.Span, d.Vector.Span))];
        for (int i = 0; i < scores.Length; i++)
        {
            Assert.Equal(scores[i], Number(output, $@"^score {i}: (\S+)$"), 1e-5);
        }

        // FAISS returns the documents best first, with the same inner products.
        int[] ranked = [.. Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i])];
        MatchCollection hits = HitLine().Matches(output);
        Assert.Equal(ranked, hits.Select(h => int.Parse(h.Groups["id"].Value, CultureInfo.InvariantCulture)));
        Assert.All(hits, h => Assert.Equal(scores[int.Parse(h.Groups["id"].Value, CultureInfo.InvariantCulture)], double.Parse(h.Groups["score"].Value, CultureInfo.InvariantCulture), 1e-5));

        Assert.InRange(Number(output, $@"^dimensions {smallestWidth}: norm 1\.0000, max difference from the re-normalized prefix (\S+)$"), 0, 1e-6);
        string ids = string.Join(", ", generator.Tokenizer.EncodeToIds("EmbeddingGemma runs locally."));
        Assert.Contains($"(with <bos>/<eos>): [{ids}]", output, StringComparison.Ordinal);
        Assert.Contains($"the model sees {generator.Tokenize(["EmbeddingGemma runs locally."], EmbeddingGemmaGenerationOptions.ForQuery())[0].Length} tokens", output, StringComparison.Ordinal);
    }

    private static double Number(string output, string pattern) =>
        double.Parse(Assert.Single(Regex.Matches(output, pattern, RegexOptions.Multiline)).Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^hit (?<id>\d): (?<score>\S+) ", RegexOptions.Multiline)]
    private static partial Regex HitLine();
}
