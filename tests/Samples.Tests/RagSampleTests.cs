using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Rag;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Samples.Tests;

/// <summary>
/// The Rag sample run through its command line over a temp folder, with the tiny random-weight model: the right answer is
/// the file whose chunk has the best inner product between the query-prompted question and the titled document embedding,
/// computed here with a separate generator.
/// </summary>
public sealed partial class RagSampleTests
{
    private const string Question = "Which planet is called the red planet?";

    private static readonly Dictionary<string, string> s_documents = new(StringComparer.Ordinal)
    {
        ["mars.md"] = "# Mars\n\nMars is called the red planet because of iron oxide dust. It has two small moons.",
        ["paris.txt"] = "Paris is the capital of France. The Seine flows through the city.",
        [Path.Combine("biology", "photosynthesis.markdown")] = "Photosynthesis converts light into chemical energy in plants.",
        ["markets.md"] = "The stock market fell sharply after the central bank announcement.",
    };

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task Retrieval_only_lists_every_file_ranked_by_the_prompted_inner_product_and_skips_unreadable_files(string family)
    {
        string model = TinyModel.For(family);
        using var temp = new TempFolder();
        string docs = WriteDocuments(temp);
        File.WriteAllBytes(Path.Combine(docs, "image.md"), [0x89, 0x50, 0x4E, 0x47, 0x00, 0x01]);
        File.WriteAllBytes(Path.Combine(docs, "latin1.txt"), Encoding.Latin1.GetBytes("café au lait"));
        File.WriteAllText(Path.Combine(docs, "empty.md"), "  \n\n");
        File.WriteAllText(Path.Combine(docs, "notes.json"), "{\"ignored\": true}");

        RunResult run = await RunAsync(["--docs", docs, "--db", Path.Combine(temp.Path, "db", "rag.db"), "-q", Question, "--top", "4"], model: model);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Indexed 4 chunks from 4 files", run.Output, StringComparison.Ordinal);
        Assert.Contains("(3 skipped)", run.Output, StringComparison.Ordinal);
        Assert.Contains("skipped image.md: binary file (NUL byte at offset 4)", run.Error, StringComparison.Ordinal);
        Assert.Contains("skipped latin1.txt: not valid UTF-8 (bad byte at offset 3)", run.Error, StringComparison.Ordinal);
        Assert.Contains("skipped empty.md: no text", run.Error, StringComparison.Ordinal);

        List<(string Source, double Score)> expected = await ExpectedRankingAsync(model);
        List<(string Source, double Score)> listed = Listed(run.Output);
        Assert.Equal(expected.Select(e => e.Source), listed.Select(l => l.Source));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Score, listed[i].Score, 1e-5);
        }

        Assert.Single(Directory.GetFiles(Path.Combine(temp.Path, "db", "rag.db.faiss"), "*.index"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_a_chat_endpoint_the_retrieved_passages_reach_the_chat_request_and_the_answer_is_printed(bool fromEnvironment)
    {
        using var temp = new TempFolder();
        string docs = WriteDocuments(temp);
        await using FakeChatServer chat = await FakeChatServer.StartAsync();
        string[] args = ["--docs", docs, "--db", Path.Combine(temp.Path, "rag.db"), "-q", Question, "--top", "2"];
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal) { [RagApp.ModelVariable] = TinyModel.Directory };
        if (fromEnvironment)
        {
            environment[RagApp.BaseUrlVariable] = chat.BaseAddress.ToString();
            environment[RagApp.ChatModelVariable] = "fake-model";
        }
        else
        {
            args = [.. args, "--chat-endpoint", chat.BaseAddress.ToString(), "--chat-model", "fake-model", "--api-key", "sk-test"];
        }

        RunResult run = await RunAsync(args, environment, withModel: false);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains($"A: {FakeChatServer.Answer}", run.Output, StringComparison.Ordinal);
        JsonElement request = Assert.Single(chat.Requests);
        Assert.Equal("fake-model", request.GetProperty("model").GetString());
        string[] contents = [.. request.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").ToString())];
        List<(string Source, double Score)> expected = await ExpectedRankingAsync();
        string system = contents[0];
        Assert.Contains(s_documents[expected[0].Source], system, StringComparison.Ordinal);
        Assert.Contains(s_documents[expected[1].Source], system, StringComparison.Ordinal);
        Assert.DoesNotContain(s_documents[expected[3].Source], system, StringComparison.Ordinal);
        Assert.Contains($"[{expected[0].Source}]", system, StringComparison.Ordinal);
        Assert.Equal(Question, contents[^1]);
    }

    [Fact]
    public async Task Long_files_are_stored_as_the_chunks_the_chunker_makes_with_the_file_title()
    {
        using var temp = new TempFolder();
        string docs = Directory.CreateDirectory(Path.Combine(temp.Path, "docs")).FullName;
        string text = string.Join("\n\n", Enumerable.Range(0, 12).Select(i => $"Section {i} explains step {i} of the process. It names part {i * 3} and its use."));
        File.WriteAllText(Path.Combine(docs, "manual.md"), text);

        RunResult run = await RunAsync(["--docs", docs, "--db", Path.Combine(temp.Path, "rag.db"), "--chunk-tokens", "32", "--overlap-tokens", "6", "-q", "step 3"]);

        using var generator = new EmbeddingGemmaGenerator(TinyModel.Directory);
        int expected = new EmbeddingGemmaTextChunker(generator, 32, 6).Chunk(text, "manual").Count;
        Assert.True(expected > 5, $"{expected} chunks");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"Indexed {expected} chunks from 1 files", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Questions_are_read_from_stdin_when_none_is_given()
    {
        using var temp = new TempFolder();
        string docs = WriteDocuments(temp);

        RunResult run = await RunAsync(["--docs", docs, "--db", Path.Combine(temp.Path, "rag.db"), "--top", "1"], input: $"{Question}\n\nWhere is the Seine?\n");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([Question, "Where is the Seine?"], QuestionLine().Matches(run.Output).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task Missing_model_folder_or_bad_settings_fail_with_a_one_line_reason()
    {
        using var temp = new TempFolder();
        string docs = WriteDocuments(temp);

        RunResult noModel = await RunAsync(["--docs", docs, "-q", Question], withModel: false);
        Assert.Equal(1, noModel.ExitCode);
        Assert.Contains($"error: No model: pass --model DIR or set {RagApp.ModelVariable}", noModel.Error, StringComparison.Ordinal);

        RunResult noDocs = await RunAsync(["--docs", Path.Combine(temp.Path, "missing"), "--db", Path.Combine(temp.Path, "rag.db"), "-q", Question]);
        Assert.Equal(1, noDocs.ExitCode);
        Assert.Contains("does not exist", noDocs.Error, StringComparison.Ordinal);

        RunResult badOverlap = await RunAsync(["--docs", docs, "--db", Path.Combine(temp.Path, "rag.db"), "--chunk-tokens", "32", "--overlap-tokens", "20", "-q", Question]);
        Assert.Equal(1, badOverlap.ExitCode);
        Assert.Contains("overlapTokens", badOverlap.Error, StringComparison.Ordinal);

        RunResult badEndpoint = await RunAsync(["--docs", docs, "--db", Path.Combine(temp.Path, "rag.db"), "--chat-endpoint", "not a url", "-q", Question]);
        Assert.Equal(1, badEndpoint.ExitCode);
        Assert.Contains("not an absolute URL", badEndpoint.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DocumentLoader_reads_strict_UTF8_without_its_BOM_and_names_the_offset_of_bad_bytes()
    {
        using var temp = new TempFolder();
        string withBom = Path.Combine(temp.Path, "bom.md");
        File.WriteAllText(withBom, "Zoë's notes", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal("Zoë's notes", DocumentLoader.ReadText(withBom));

        string truncated = Path.Combine(temp.Path, "cut.md");
        File.WriteAllBytes(truncated, [.. "ab"u8, 0xE2, 0x82]);
        Assert.Contains("offset 2", Assert.Throws<InvalidDataException>(() => DocumentLoader.ReadText(truncated)).Message, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => DocumentLoader.FindFiles(Path.Combine(temp.Path, "missing")));
    }

    private static string WriteDocuments(TempFolder temp)
    {
        string docs = Path.Combine(temp.Path, "docs");
        foreach ((string name, string text) in s_documents)
        {
            string path = Path.Combine(docs, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        return docs;
    }

    /// <summary>Each file is one chunk: rank them by query · document(text, title = file name without extension).</summary>
    private static async Task<List<(string Source, double Score)>> ExpectedRankingAsync(string? model = null)
    {
        using var generator = new EmbeddingGemmaGenerator(model ?? TinyModel.Directory);
        Embedding<float> query = await generator.GenerateQueryEmbeddingAsync(Question);
        string[] sources = [.. s_documents.Keys];
        GeneratedEmbeddings<Embedding<float>> documents = await generator.GenerateDocumentEmbeddingsAsync(
            sources.Select(s => s_documents[s]), sources.Select(s => (string?)Path.GetFileNameWithoutExtension(s)));
        return [.. sources.Select((s, i) => (s, (double)TensorPrimitives.Dot(query.Vector.Span, documents[i].Vector.Span))).OrderByDescending(p => p.Item2)];
    }

    private static List<(string Source, double Score)> Listed(string output) =>
        [.. ListedLine().Matches(output).Select(m => (m.Groups["source"].Value, double.Parse(m.Groups["score"].Value, CultureInfo.InvariantCulture)))];

    private static async Task<RunResult> RunAsync(
        string[] args, Dictionary<string, string?>? environment = null, bool withModel = true, string input = "", string? model = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] full = withModel ? [.. args, "--model", model ?? TinyModel.Directory] : args;
        int exitCode = await RagApp.RunAsync(full, new StringReader(input), output, error, name => environment?.GetValueOrDefault(name));
        return new RunResult(exitCode, output.ToString(), error.ToString());
    }

    [GeneratedRegex(@"^\s+\d+\. (?<score>-?[0-9.]+) (?<source>\S+):", RegexOptions.Multiline)]
    private static partial Regex ListedLine();

    [GeneratedRegex(@"^Q: (.*)$", RegexOptions.Multiline)]
    private static partial Regex QuestionLine();

    private sealed record RunResult(int ExitCode, string Output, string Error);
}
