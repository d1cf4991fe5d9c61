namespace SkEmbeddingGemma.Tests.Onnx;

/// <summary>Tests that read the process's resident set: they run alone, so no other test's allocations move it.</summary>
[CollectionDefinition(nameof(ArenaReleaseCollection), DisableParallelization = true)]
public sealed class ArenaReleaseCollection;
