namespace SkEmbeddingGemma.AspNetCore.Tests;

[CollectionDefinition(TelemetryTests.Alone, DisableParallelization = true)]
public sealed class TelemetryCollection;
