using System.Runtime.CompilerServices;
using System.Text;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// The input of <c>index</c>, checked in full before anything is written: a bad line anywhere stops the run with
/// the store untouched, and the extra fields (with their types) are known before the collection is created.
/// Standard input is spooled to a temporary file so the second pass can read it again.
/// </summary>
internal sealed class IndexInput : IDisposable
{
    private readonly string? _spool;

    private IndexInput(string path, string? spool, long records, IReadOnlyDictionary<string, (StoreFieldKind Kind, long Line)> fields)
    {
        Path = path;
        _spool = spool;
        RecordCount = records;
        Fields = fields;
    }

    /// <summary>Gets the file to read the records from.</summary>
    public string Path { get; }

    /// <summary>Gets the number of records (non-blank lines).</summary>
    public long RecordCount { get; }

    /// <summary>Gets the extra fields in first-seen order, with their kind and the first line that has a value.</summary>
    public IReadOnlyDictionary<string, (StoreFieldKind Kind, long Line)> Fields { get; }

    /// <summary>Reads and checks every line of <paramref name="inputPath"/> (<c>-</c> for stdin).</summary>
    /// <exception cref="InvalidDataException">A line is invalid, or a field changes type; the message names the line.</exception>
    public static async Task<IndexInput> ScanAsync(string inputPath, CancellationToken cancellationToken)
    {
        string? spool = inputPath == "-" ? await SpoolAsync(cancellationToken) : null;
        try
        {
            string path = spool ?? inputPath;
            using TextReader reader = JsonLinesPipeline.OpenInput(path);
            var fields = new Dictionary<string, (StoreFieldKind Kind, long Line)>(StringComparer.Ordinal);
            var order = new List<string>();
            long records = 0;
            await foreach ((long line, IndexRecord record) in ReadAsync(reader, cancellationToken))
            {
                records++;
                foreach ((string name, object value) in record.Fields)
                {
                    StoreFieldKind kind = StoreField.KindOf(value);
                    if (!fields.TryGetValue(name, out (StoreFieldKind Kind, long Line) first))
                    {
                        fields.Add(name, (kind, line));
                        order.Add(name);
                    }
                    else if (first.Kind != kind)
                    {
                        throw new InvalidDataException(
                            $"line {line}: field '{name}' is {StoreField.Describe(kind)} here but {StoreField.Describe(first.Kind)} on line {first.Line}.");
                    }
                }
            }

            CheckCaseCollisions(order, fields);
            var ordered = order.ToDictionary(n => n, n => fields[n], StringComparer.Ordinal);
            return new IndexInput(path, spool, records, ordered);
        }
        catch
        {
            DeleteSpool(spool);
            throw;
        }
    }

    /// <summary>Reads the records with their line numbers, skipping blank lines.</summary>
    public static async IAsyncEnumerable<(long Line, IndexRecord Record)> ReadAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return (lineNumber, IndexRecord.Parse(line, lineNumber));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => DeleteSpool(_spool);

    private static void CheckCaseCollisions(List<string> names, Dictionary<string, (StoreFieldKind Kind, long Line)> fields)
    {
        // One line can't hold "Year" and "year" (IndexRecord checks), but two lines can; SQLite would see one column.
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in names)
        {
            if (!seen.TryAdd(name, name))
            {
                throw new InvalidDataException(
                    $"line {fields[name].Line}: field '{name}' differs from field '{seen[name]}' (line {fields[seen[name]].Line}) only in case; use one spelling.");
            }
        }
    }

    private static async Task<string> SpoolAsync(CancellationToken cancellationToken)
    {
        string spool = System.IO.Path.GetTempFileName();
        try
        {
            await using var writer = new StreamWriter(spool, append: false, new UTF8Encoding(false));
            using var stdin = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
            char[] buffer = new char[81920];
            int read;
            while ((read = await stdin.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            return spool;
        }
        catch
        {
            DeleteSpool(spool);
            throw;
        }
    }

    private static void DeleteSpool(string? spool)
    {
        if (spool is not null && File.Exists(spool))
        {
            File.Delete(spool);
        }
    }
}
