using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Integration;

/// <summary>
/// The rules every input line of <c>embed</c>, <c>tokenize</c> and <c>index</c> follows, each decided by the line alone:
/// its prompt, blank lines, invalid UTF-8 and lone surrogates; and errors that read without the code behind them.
/// </summary>
public sealed class CliLineRulesTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>, IDisposable
{
    private readonly TempFolder _folder = new();

    private string Store => Path.Combine(_folder.Path, "store.db");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_line_without_a_title_gets_the_same_prompt_whatever_its_neighbours()
    {
        string alone = Line(new { text = "Mars is red" });
        string withTitled = alone + Line(new { text = "Mars is red", title = "Planets" });

        string[] aloneIds = await RunLinesAsync("tokenize", alone);
        string[] mixedIds = await RunLinesAsync("tokenize", withTitled);
        string[] mixedVectors = await RunLinesAsync("embed", withTitled);

        // No title: the model's default (none: the text as is); a title: the document prompt with it.
        int[] plain = fixture.Generator.Tokenize(["Mars is red"])[0];
        int[] titled = fixture.Generator.Tokenize(["Mars is red"], EmbeddingGemmaGenerationOptions.ForDocuments(["Planets"]))[0];
        Assert.Equal(plain, Ids(aloneIds[0]));
        Assert.Equal(plain, Ids(mixedIds[0]));
        Assert.Equal(titled, Ids(mixedIds[1]));
        AssertClose((await fixture.Generator.GenerateAsync(["Mars is red"]))[0], Vector(mixedVectors[0]));
        AssertClose((await fixture.Generator.GenerateDocumentEmbeddingsAsync(["Mars is red"], ["Planets"]))[0], Vector(mixedVectors[1]));

        (_, string help, _) = await CliProcess.RunAsync("embed", "--help");
        Assert.Contains("else the document prompt", help);
    }

    [Fact]
    public async Task A_title_with_a_prompt_that_is_not_the_document_prompt_names_the_line()
    {
        (int code, _, string stderr) = await RunAsync(
            "tokenize", Line(new { text = "a" }) + Line(new { text = "b", title = "T", prompt_name = "query" }));

        CliProcess.AssertOneLineError(code, stderr, "line 2: a title (the line's \"title\" or --title) goes with the document prompt, not with prompt 'query'");
    }

    [Theory]
    [InlineData("embed")]
    [InlineData("tokenize")]
    [InlineData("index")]
    public async Task Blank_lines_are_skipped_and_outputs_name_their_input_line(string command)
    {
        string input = "\n" + Line(new { id = "a", text = "first" }) + "  \t\n" + Line(new { id = "b", text = "second" }) + "\r\n\n";

        (int code, string stdout, string stderr) = await RunAsync(command, input);

        Assert.True(code == 0, stderr);
        if (command == "index")
        {
            Assert.Contains("indexed 2 records", stderr);
            return;
        }

        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([2L, 4L], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("line").GetInt64()));
        if (command == "tokenize")
        {
            Assert.Equal(fixture.Generator.Tokenize(["first", "second"]), lines.Select(Ids));
        }
    }

    [Theory]
    [InlineData("embed", "{\"text\": \"ok\"}\n{\"text\": \"x\\ud800y\"}\n", "line 2: field \"text\" holds a lone surrogate escape")]
    [InlineData("tokenize", "{\"text\": \"ok\"}\n{\"text\": \"x\", \"title\": \"\\udc00\"}\n", "line 2: field \"title\" holds a lone surrogate escape")]
    [InlineData("index", "{\"id\": \"a\", \"text\": \"ok\"}\n{\"id\": \"b\", \"text\": \"x\", \"lang\": \"\\ud800\"}\n", "line 2: field \"lang\" holds a lone surrogate escape")]
    [InlineData("index", "{\"id\": \"a\", \"text\": \"ok\"}\n{\"id\": \"b\", \"text\": \"x\", \"\\udfff\": 1}\n", "line 2: a field name holds a lone surrogate escape")]
    public async Task A_lone_surrogate_escape_is_refused_naming_the_line_and_field(string command, string input, string expected)
    {
        string output = Path.Combine(_folder.Path, "out.jsonl");
        await File.WriteAllTextAsync(output, "previous\n");

        (int code, _, string stderr) = await RunAsync(command, input, output);

        CliProcess.AssertOneLineError(code, stderr, expected);
        Assert.Equal("previous\n", await File.ReadAllTextAsync(output));
        Assert.False(File.Exists(Store));
    }

    [Theory]
    [InlineData("embed")]
    [InlineData("index")]
    public async Task Invalid_utf8_becomes_U_FFFD_with_one_bounded_warning_per_line(string command)
    {
        // Line 1 is clean; lines 2..16 hold a byte that is not UTF-8.
        var input = new MemoryStream();
        input.Write(Encoding.UTF8.GetBytes("{\"id\": \"clean\", \"text\": \"clean\"}\n"));
        for (int i = 0; i < 15; i++)
        {
            input.Write(Encoding.UTF8.GetBytes($"{{\"id\": \"b{i}\", \"text\": \"bad"));
            input.WriteByte(0xFF);
            input.Write(Encoding.UTF8.GetBytes("byte\"}\n"));
        }

        string path = Path.Combine(_folder.Path, "in.jsonl"), output = Path.Combine(_folder.Path, "out.jsonl");
        await File.WriteAllBytesAsync(path, input.ToArray());
        string[] args = command == "index"
            ? ["index", "--model", fixture.ModelDirectory, "--store", Store, "--input", path]
            : ["embed", "--model", fixture.ModelDirectory, "--input", path, "--output", output];

        (int code, _, string stderr) = await CliProcess.RunAsync(args);

        Assert.True(code == 0, stderr);
        string[] warnings = [.. stderr.Trim().Split('\n').Where(l => l.Contains("warning"))];
        Assert.Equal(
            [.. Enumerable.Range(2, 10).Select(n => $"embeddinggemma: warning: line {n}: invalid UTF-8 bytes replaced by U+FFFD."),
             "embeddinggemma: warning: 5 more lines (the last: line 16) had invalid UTF-8 bytes replaced by U+FFFD."],
            warnings);
        if (command == "embed")
        {
            string[] lines = await File.ReadAllLinesAsync(output);
            AssertClose((await fixture.Generator.GenerateAsync(["bad\uFFFDbyte"]))[0], Vector(lines[1]));
        }
    }

    [Theory]
    [InlineData("embed", "--dimensions", "0", "Dimensions 0 is out of range: 1 up to the model's embedding width")]
    [InlineData("embed", "--dimensions", "100000", "Dimensions 100000 is outside 1..64")]
    [InlineData("embed", "--batch-size", "0", "MaxBatchSize 0 is out of range: at least 1")]
    [InlineData("index", "--dimensions", "0", "Dimensions 0 is out of range: 1 up to the model's embedding width")]
    [InlineData("embed", "--prompt-name", "nope", "Unknown EmbeddingGemma prompt name 'nope'")]
    public async Task Option_errors_name_the_option_without_the_code_behind_it(string command, string option, string value, string expected)
    {
        (int code, _, string stderr) = await RunAsync(command, Line(new { id = "a", text = "x" }), extra: [option, value]);

        CliProcess.AssertOneLineError(code, stderr, expected);
        Assert.DoesNotContain("(Parameter", stderr);
        Assert.DoesNotContain("Actual value", stderr);
    }

    [Fact]
    public async Task A_bad_added_token_names_the_tokenizer_file_and_entry()
    {
        using var copy = new CopiedModel(fixture.ModelDirectory);
        string path = copy.FilePath("tokenizer.json");
        string json = await File.ReadAllTextAsync(path);
        int at = json.IndexOf("\"added_tokens\"", StringComparison.Ordinal);
        int id = json.IndexOf("\"id\":", at, StringComparison.Ordinal) + "\"id\":".Length;
        await File.WriteAllTextAsync(path, json[..id] + "-7" + json[json.IndexOfAny([',', '}'], id)..]);

        (int code, _, string stderr) = await CliProcess.RunAsync(["tokenize", "--model", copy.Path, "--input", "-", "--output", "-"], stdin: Line(new { text = "a" }));

        CliProcess.AssertOneLineError(code, stderr, $"{path}: \"added_tokens\" entry 0");
        Assert.Contains("has id -7", stderr);
    }

    [Theory]
    [InlineData("embed")]
    [InlineData("tokenize")]
    [InlineData("index")]
    public async Task A_text_the_model_cannot_embed_names_its_line_and_nothing_is_written(string command)
    {
        // More lines than one store batch, so a refusal found while embedding would come after records were committed.
        var input = new StringBuilder();
        for (int i = 1; i <= 300; i++)
        {
            input.Append(Line(new { id = $"r{i}", text = i == 290 ? "see <image_soft_token> here" : $"record {i}" }));
        }

        string output = Path.Combine(_folder.Path, "out.jsonl");
        (int code, string stdout, string stderr) = await RunAsync(command, input.ToString(), output);

        CliProcess.AssertOneLineError(code, stderr, "line 290: the text");
        Assert.Contains("<image_soft_token>", stderr);
        Assert.DoesNotContain("values[", stderr);
        Assert.Equal("", stdout);
        Assert.False(File.Exists(output));
        if (File.Exists(Store))
        {
            // index may have opened the store, but it must have written no collection and no record.
            (int deleteCode, _, string deleteStderr) = await CliProcess.RunAsync(["delete", "--store", Store, "--id", "r1"]);
            CliProcess.AssertOneLineError(deleteCode, deleteStderr, "does not exist");
        }
    }

    private async Task<string[]> RunLinesAsync(string command, string input)
    {
        (int code, string stdout, string stderr) = await RunAsync(command, input);
        Assert.True(code == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(string command, string input, string output = "-", string[]? extra = null) =>
        CliProcess.RunAsync(
            command == "index"
                ? ["index", "--model", fixture.ModelDirectory, "--store", Store, "--input", "-", .. extra ?? []]
                : [command, "--model", fixture.ModelDirectory, "--input", "-", "--output", output, .. extra ?? []],
            stdin: input);

    private static void AssertClose(Embedding<float> expected, float[] actual)
    {
        Assert.Equal(expected.Vector.Length, actual.Length);
        Assert.True(expected.Vector.ToArray().Zip(actual).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5f);
    }

    private static string Line(object value) => JsonSerializer.Serialize(value) + "\n";

    private static float[] Vector(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        return [.. document.RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())];
    }

    private static int[] Ids(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        return [.. document.RootElement.GetProperty("ids").EnumerateArray().Select(v => v.GetInt32())];
    }
}
