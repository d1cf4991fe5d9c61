using SkEmbeddingGemma.Samples.EmbeddingServer;

// An OpenAI- and TEI-compatible embedding service over a local EmbeddingGemma, configured from appsettings.json,
// environment variables (EmbeddingGemma__ModelPath=...) or the command line (--EmbeddingGemma:ModelPath ...).
return await EmbeddingServerApp.RunAsync(args, Console.Error);
