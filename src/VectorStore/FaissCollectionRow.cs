namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>A collection's row of the catalog table (see <see cref="FaissCatalog"/>).</summary>
/// <param name="Version">The generation counter, bumped in the transaction of every write.</param>
/// <param name="Uid">The id of this incarnation of the collection (a deleted and recreated namesake gets another); <see langword="null"/> in stores written before it existed.</param>
/// <param name="Definition">The persisted definition (<see cref="FaissStoredDefinition"/>); <see langword="null"/> in stores written before it existed.</param>
/// <param name="Generator">The embedding generator's identity (<see cref="FaissGeneratorIdentity"/>), once one was used.</param>
/// <param name="Snapshot">The SHA-256 of the last index snapshot written for this incarnation; any other file is not trusted.</param>
/// <param name="Dimensions">The vector dimensions (the only settings stores before the definition recorded).</param>
/// <param name="Distance">The distance function.</param>
/// <param name="IndexKind">The index kind.</param>
internal sealed record FaissCollectionRow(
    long Version, string? Uid, string? Definition, string? Generator, string? Snapshot, int Dimensions, string Distance, string IndexKind);
