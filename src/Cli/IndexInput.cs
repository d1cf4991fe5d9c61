using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// The input of <c>index</c>, read once into a private copy (<see cref="InputSpool"/>) and checked in full before anything
/// is written: a bad line anywhere stops the run with the store untouched, the records written are exactly the lines
/// checked (a pipe is not read twice; lines appended to the file meanwhile are not read), and the extra fields (with their
/// types) are known before the collection is created.
/// </summary>
internal sealed class IndexInput : IDisposable
{
    // Media lines per embedding call while checking: each call decodes and encodes its media.
    private const int MediaBatch = 16;

    private readonly InputSpool _spool;

    // Media lines are embedded while checking (decoding is the check), then stored by line number.
    private readonly Dictionary<long, Embedding<float>> _mediaVectors = [];

    private IndexInput(InputSpool spool, string mediaDirectory, long records, IReadOnlyDictionary<string, (StoreFieldKind Kind, long Line)> fields)
    {
        _spool = spool;
        MediaDirectory = mediaDirectory;
        RecordCount = records;
        Fields = fields;
    }

    /// <summary>Gets the private copy of the input, for progress reporting.</summary>
    public string Path => _spool.Path;

    /// <summary>Gets the folder relative media paths are resolved against: the input file's (the current folder for stdin).</summary>
    public string MediaDirectory { get; }

    /// <summary>Gets the number of records (non-blank lines).</summary>
    public long RecordCount { get; }

    /// <summary>Gets the extra fields in first-seen order, with their kind and the first line that has a value.</summary>
    public IReadOnlyDictionary<string, (StoreFieldKind Kind, long Line)> Fields { get; }

    /// <summary>Copies <paramref name="inputPath"/> (<c>-</c> for stdin) once, then reads and checks every line of the copy.</summary>
    /// <exception cref="FileNotFoundException">The input does not exist.</exception>
    /// <exception cref="IOException">The input can't be read (a folder, a closed stdin).</exception>
    /// <exception cref="InvalidDataException">A line is invalid, or a field changes type; the message names the line.</exception>
    public static async Task<IndexInput> ScanAsync(string inputPath, CancellationToken cancellationToken)
    {
        InputSpool spool = await InputSpool.CreateAsync(inputPath, cancellationToken);
        try
        {
            var fields = new Dictionary<string, (StoreFieldKind Kind, long Line)>(StringComparer.Ordinal);
            var order = new List<string>();
            long records = 0;
            await foreach ((long line, IndexRecord record) in ReadAsync(spool, Console.Error, cancellationToken))
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
            string mediaDirectory = inputPath == "-" ? Environment.CurrentDirectory : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(inputPath))!;
            return new IndexInput(spool, mediaDirectory, records, ordered);
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <summary>Reads the checked records again, from the copy, with their line numbers.</summary>
    public IAsyncEnumerable<(long Line, IndexRecord Record)> ReadAsync(CancellationToken cancellationToken) =>
        ReadAsync(_spool, warnings: null, cancellationToken);

    /// <summary>Gets the vector of a media line, embedded by <see cref="CheckEmbeddableAsync"/>; null for a text line.</summary>
    public Embedding<float>? MediaVectorOf(long line) => _mediaVectors.GetValueOrDefault(line);

    /// <summary>
    /// Tokenizes every text record as the store will embed it (document prompt, its title or none), and embeds every media
    /// record the same way (as <c>embed</c> does, <see cref="MediaEmbedding"/>), so that a text the model refuses (a token
    /// that is not text) or media it can't read (a missing or corrupt file) stops the run before anything is written,
    /// named by its line.
    /// </summary>
    /// <exception cref="InvalidDataException">A record's text, title or media can't be embedded; the message names the line.</exception>
    public async Task CheckEmbeddableAsync(EmbeddingGemmaGenerator generator, CancellationToken cancellationToken)
    {
        const int Batch = 256;
        var lines = new List<long>(Batch);
        var texts = new List<string>(Batch);
        var titles = new List<string?>(Batch);
        var media = new List<InputLine>(MediaBatch);
        using var progress = ProgressReporter.Create(Path);
        await foreach ((long line, IndexRecord record) in ReadAsync(cancellationToken))
        {
            if (record.Media is not null)
            {
                media.Add(new InputLine(line, record.Text, null, null, record.Title) { Media = record.Media, HasText = record.HasText });
                if (media.Count == MediaBatch)
                {
                    await EmbedMediaAsync();
                }

                continue;
            }

            lines.Add(line);
            texts.Add(record.Text);
            titles.Add(record.Title);
            if (lines.Count == Batch)
            {
                Check();
            }
        }

        Check();
        await EmbedMediaAsync();

        async Task EmbedMediaAsync()
        {
            if (media.Count == 0)
            {
                return;
            }

            GeneratedEmbeddings<Embedding<float>> vectors = await MediaEmbedding.GenerateAsync(
                generator, media, MediaDirectory, new PromptChoice(EmbeddingGemmaPromptNames.Document, null), cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < media.Count; i++)
            {
                _mediaVectors.Add(media[i].Line, vectors[i]);
            }

            progress.Advance(media.Count);
            media.Clear();
        }

        void Check()
        {
            try
            {
                _ = generator.Tokenize(texts, EmbeddingGemmaGenerationOptions.ForDocuments(titles));
            }
            catch (EmbeddingGemmaInputException ex) when (ex.InputIndex < lines.Count)
            {
                throw new InvalidDataException($"line {lines[ex.InputIndex]}: the text with its title {ex.Reason}", ex);
            }

            lines.Clear();
            texts.Clear();
            titles.Clear();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _spool.Dispose();

    private static async IAsyncEnumerable<(long Line, IndexRecord Record)> ReadAsync(
        InputSpool spool, TextWriter? warnings, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using JsonLinesReader reader = spool.OpenLines(warnings);
        await foreach ((long line, string text) in reader.ReadAsync(cancellationToken))
        {
            yield return (line, IndexRecord.Parse(text, line));
        }
    }

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
}
