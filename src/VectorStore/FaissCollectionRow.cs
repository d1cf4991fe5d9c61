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
    long Version, string? Uid, string? Definition, string? Generator, string? Snapshot, int Dimensions, string Distance, string IndexKind)
{
    /// <summary>Gets the snapshot checksums of the vector properties after the first, as a JSON object keyed by <see cref="FaissVectorSlot.Key"/>.</summary>
    internal string? VectorSnapshots { get; init; }

    /// <summary>Gets the generator identities of the vector properties after the first, as a JSON object keyed by <see cref="FaissVectorSlot.Key"/>.</summary>
    internal string? VectorGenerators { get; init; }

    /// <summary>Gets the snapshot checksum recorded for a vector property's index.</summary>
    internal string? SnapshotOf(FaissVectorSlot slot) => slot.Ordinal == 0 ? Snapshot : Entry(VectorSnapshots, slot.Key);

    /// <summary>Gets the generator identity (JSON) recorded for a vector property.</summary>
    internal string? GeneratorOf(FaissVectorSlot slot) => slot.Ordinal == 0 ? Generator : Entry(VectorGenerators, slot.Key);

    private static string? Entry(string? json, string key)
    {
        try
        {
            return json is null ? null : (string?)System.Text.Json.Nodes.JsonNode.Parse(json)?[key];
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            // Damaged: a snapshot is then not trusted (rebuilt), a generator identity is refused as different.
            return "(damaged)";
        }
    }
}
