namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Two-stage search: the in-memory FAISS index holds only a cheap form of the vectors (<see cref="FirstPass"/>), which
/// finds <c>top × </c><see cref="CandidateMultiplier"/> candidates; those are rescored with the float query against
/// the vectors stored in SQLite (float32, or an int8 copy: <see cref="RescoringVectors"/>), read for the candidates
/// only, so full vectors never sit in RAM.
/// </summary>
/// <remarks>
/// With float32 rescoring vectors (the default) scores are the exact ones of the vector property's distance function,
/// and when the candidates cover the whole collection (or the filtered subset) the ranking equals an exact float
/// search; int8 rescoring vectors give those scores approximately. Filters apply to the first pass.
/// </remarks>
public sealed class FaissTwoStageSearchOptions
{
    /// <summary>Initializes a new instance with the defaults: binary first pass, 10 candidates per result.</summary>
    public FaissTwoStageSearchOptions()
    {
    }

    /// <summary>Initializes a new instance copying <paramref name="source"/>.</summary>
    /// <param name="source">The options to copy.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    public FaissTwoStageSearchOptions(FaissTwoStageSearchOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        FirstPass = source.FirstPass;
        CandidateMultiplier = source.CandidateMultiplier;
        PrefixDimensions = source.PrefixDimensions;
        RescoringVectors = source.RescoringVectors;
    }

    /// <summary>Gets or sets the form of the vectors the in-memory index holds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="FaissFirstPass"/>.</exception>
    public FaissFirstPass FirstPass
    {
        get;
        set => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown first pass.");
    } = FaissFirstPass.Binary;

    /// <summary>Gets or sets how many candidates per requested result the first pass finds (top × multiplier, skip included).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int CandidateMultiplier
    {
        get;
        set => field = value < 1 ? throw new ArgumentOutOfRangeException(nameof(value), value, "The candidate multiplier is at least 1.") : value;
    } = 10;

    /// <summary>Gets or sets the prefix width of <see cref="FaissFirstPass.MatryoshkaPrefix"/>; below the vector width.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int PrefixDimensions
    {
        get;
        set => field = value < 1 ? throw new ArgumentOutOfRangeException(nameof(value), value, "The prefix has at least one dimension.") : value;
    } = 128;

    /// <summary>Gets or sets the stored vectors the candidates are rescored with: float32 (exact, the default) or an int8 copy (approximate, a quarter of the reads).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="FaissRescoringVectors"/>.</exception>
    public FaissRescoringVectors RescoringVectors
    {
        get;
        set => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown rescoring vectors.");
    } = FaissRescoringVectors.Float32;
}
