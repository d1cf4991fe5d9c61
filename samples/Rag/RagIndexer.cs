using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma;

namespace Rag;

/// <summary>Ingests a folder: reads each file, cuts it into token chunks, and upserts them (the store embeds them as titled documents).</summary>
public static class RagIndexer
{
    // Chunks per upsert: one embedding call each.
    private const int BatchSize = 16;

    public static async Task<IngestSummary> IngestAsync(
        string folder, VectorStoreCollection<string, DocumentChunk> collection, EmbeddingGemmaTextChunker chunker, TextWriter log,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<string> files = DocumentLoader.FindFiles(folder);
        // Re-ingesting replaces the index, so chunks of edited or deleted files do not linger.
        await collection.EnsureCollectionDeletedAsync(cancellationToken);
        await collection.EnsureCollectionExistsAsync(cancellationToken);
        var summary = new IngestSummary();
        foreach (string path in files)
        {
            string source = Path.GetRelativePath(folder, path);
            string text;
            try
            {
                text = DocumentLoader.ReadText(path);
            }
            catch (InvalidDataException e)
            {
                log.WriteLine($"skipped {source}: {e.Message}");
                summary.Skipped++;
                continue;
            }

            string title = Path.GetFileNameWithoutExtension(path);
            IReadOnlyList<TextChunk> chunks = chunker.Chunk(text, title);
            if (chunks.Count == 0)
            {
                log.WriteLine($"skipped {source}: no text");
                summary.Skipped++;
                continue;
            }

            foreach (DocumentChunk[] batch in chunks.Select((c, i) => new DocumentChunk { Id = $"{source}#{i}", Source = source, Title = title, Text = c.Text }).Chunk(BatchSize))
            {
                await collection.UpsertAsync(batch, cancellationToken);
            }

            summary.Files++;
            summary.Chunks += chunks.Count;
        }

        return summary;
    }
}
