using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Integration;

/// <summary>
/// How the <c>embeddinggemma</c> process reads its input and writes its output: once, whatever the input is (pipe, FIFO,
/// process substitution, a file growing meanwhile), all or nothing, and never hanging on a closed standard stream.
/// </summary>
public sealed class CliInputOutputTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>, IDisposable
{
    private readonly TempFolder _folder = new();

    private string Store => Path.Combine(_folder.Path, "store.db");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("pipe as /dev/stdin", "printf '%s' \"$DOCS\" | $CLI index --model \"$M\" --store \"$STORE\" --input /dev/stdin")]
    [InlineData("fifo", "mkfifo \"$STORE.fifo\" && (printf '%s' \"$DOCS\" > \"$STORE.fifo\" &) && $CLI index --model \"$M\" --store \"$STORE\" --input \"$STORE.fifo\"")]
    [InlineData("process substitution", "$CLI index --model \"$M\" --store \"$STORE\" --input <(printf '%s' \"$DOCS\")")]
    public async Task Index_reads_a_pipe_fifo_or_process_substitution_once(string kind, string script)
    {
        string docs = Docs(3);

        (int code, _, string stderr) = await CliProcess.RunShellAsync(
            $"export DOCS={Quote(docs)} STORE={Quote(Store)}; {script}", fixture.ModelDirectory);

        Assert.True(code == 0, $"{kind}: {stderr}");
        Assert.Contains("indexed 3 records", stderr);
        Assert.Equal(["d0", "d1", "d2"], (await SearchIdsAsync()).Order());
    }

    [Fact]
    public async Task Index_writes_exactly_the_lines_it_checked_even_when_the_file_grows_meanwhile()
    {
        const int count = 2000;
        string input = Path.Combine(_folder.Path, "docs.jsonl");
        await File.WriteAllTextAsync(input, Docs(count));

        Task<(int Code, string Stdout, string Stderr)> run = CliProcess.RunAsync("index", "--model", fixture.ModelDirectory, "--store", Store, "--input", input);
        // The store is opened after the input is checked: lines appended from then on are not part of this run.
        while (!File.Exists(Store) && !run.IsCompleted)
        {
            await Task.Delay(5);
        }

        await File.AppendAllTextAsync(input, "{\"id\": \"late\"}\n" + Docs(1).Replace("d0", "late2"));
        (int code, _, string stderr) = await run;

        Assert.True(code == 0, stderr);
        Assert.Contains($"indexed {count} records", stderr);
        List<string> ids = await SearchIdsAsync("--top", "5000");
        Assert.Equal(count, ids.Count);
        Assert.DoesNotContain("late2", ids);
    }

    [Theory]
    [InlineData("embed")]
    [InlineData("tokenize")]
    public async Task The_output_may_be_the_input_file(string command)
    {
        string file = Path.Combine(_folder.Path, "texts.jsonl");
        string[] texts = Corpus.Texts;
        await File.WriteAllLinesAsync(file, texts.Select(t => JsonSerializer.Serialize(new { text = t })));

        (int code, _, string stderr) = await CliProcess.RunAsync(command, "--model", fixture.ModelDirectory, "--input", file, "--output", file);

        Assert.True(code == 0, stderr);
        string[] lines = await File.ReadAllLinesAsync(file);
        Assert.Equal(texts.Length, lines.Length);
        if (command == "embed")
        {
            GeneratedEmbeddings<Embedding<float>> expected = await fixture.Generator.GenerateAsync(texts);
            for (int i = 0; i < texts.Length; i++)
            {
                Assert.True(Vector(lines[i]).Zip(expected[i].Vector.ToArray()).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5f, $"line {i}");
            }
        }
        else
        {
            IReadOnlyList<int[]> expected = fixture.Generator.Tokenize(texts);
            Assert.All(Enumerable.Range(0, texts.Length), i => Assert.Equal(expected[i], Ids(lines[i])));
        }

        Assert.Equal(["texts.jsonl"], Directory.EnumerateFileSystemEntries(_folder.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("embed")]
    [InlineData("tokenize")]
    public async Task A_failed_run_leaves_an_existing_output_as_it_was_and_no_temporary_file(string command)
    {
        string input = Path.Combine(_folder.Path, "in.jsonl"), output = Path.Combine(_folder.Path, "out.jsonl");
        // More than one chunk of good lines before the bad one, so a streaming writer would have written some.
        await File.WriteAllTextAsync(input, string.Concat(Enumerable.Range(0, 600).Select(i => $"{{\"text\": \"t{i}\"}}\n")) + "{\"txt\": 1}\n");
        await File.WriteAllTextAsync(output, "previous\n");

        (int code, _, string stderr) = await CliProcess.RunAsync(command, "--model", fixture.ModelDirectory, "--input", input, "--output", output);

        Assert.Equal(1, code);
        Assert.Contains("line 601: missing the string field \"text\"", stderr);
        Assert.Equal("previous\n", await File.ReadAllTextAsync(output));
        Assert.Equal(["in.jsonl", "out.jsonl"], Directory.EnumerateFileSystemEntries(_folder.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("$CLI embed --model \"$M\" --input - --output - <&-", "--input -: standard input is closed")]
    [InlineData("$CLI tokenize --model \"$M\" --input - --output - <&-", "--input -: standard input is closed")]
    [InlineData("$CLI index --model \"$M\" --store \"$STORE\" --input - <&-", "--input -: standard input is closed")]
    [InlineData("echo '{\"text\": \"a\"}' | $CLI embed --model \"$M\" --input - --output - >&-", "standard output is closed")]
    [InlineData("echo '{\"text\": \"a\"}' | $CLI tokenize --model \"$M\" --input - --output - >&-", "standard output is closed")]
    public async Task A_closed_standard_stream_fails_at_once_with_the_reason(string script, string expected)
    {
        (int code, _, string stderr) = await CliProcess.RunShellAsync($"export STORE={Quote(Store)}; {script}", fixture.ModelDirectory);

        CliProcess.AssertOneLineError(code, stderr, expected);
        Assert.False(File.Exists(Store));
    }

    [Fact]
    public async Task Index_leaves_no_copy_of_its_input_behind()
    {
        string temp = Path.Combine(_folder.Path, "tmp");
        Directory.CreateDirectory(temp);
        Dictionary<string, string> environment = new() { ["TMPDIR"] = temp + "/" };

        (int code, _, string stderr) = await CliProcess.RunAsync(
            ["index", "--model", fixture.ModelDirectory, "--store", Store, "--input", "-"], Docs(2), environment);
        (int badCode, _, _) = await CliProcess.RunAsync(["index", "--model", fixture.ModelDirectory, "--store", Store, "--input", "-"], "{\"id\": 1}\n", environment);

        Assert.True(code == 0, stderr);
        Assert.Equal(1, badCode);
        // The private copy is a temporary file (tmp*.tmp); other libraries may leave their own files there.
        Assert.Empty(Directory.EnumerateFiles(temp, "tmp*.tmp"));
    }

    private async Task<List<string>> SearchIdsAsync(params string[] options)
    {
        (int code, string stdout, string stderr) = await CliProcess.RunAsync(["search", "--model", fixture.ModelDirectory, "--store", Store, "--query", "q", .. options]);
        Assert.True(code == 0, stderr);
        return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!)];
    }

    private static string Docs(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(i => JsonSerializer.Serialize(new { id = $"d{i}", text = $"document number {i}" }) + "\n"));

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";

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
