namespace Rag;

/// <summary>Counts of one ingestion.</summary>
public sealed class IngestSummary
{
    public int Files { get; set; }

    public int Chunks { get; set; }

    public int Skipped { get; set; }
}
