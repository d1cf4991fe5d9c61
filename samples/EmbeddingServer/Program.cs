using SkEmbeddingGemma.AspNetCore;

// An OpenAI- and TEI-compatible embedding service over a local EmbeddingGemma, configured from appsettings.json,
// environment variables (EmbeddingGemma__ModelPath=...) or the command line (--EmbeddingGemma:ModelPath ...).
// Any ASP.NET Core app serves the same routes with these two calls; `embeddinggemma serve` is the ready-made host.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Logging.AddFilter(EmbeddingGemmaServerHost.HostLogCategory, LogLevel.None);
builder.Services.AddEmbeddingGemmaServer(builder.Configuration);

WebApplication app = builder.Build();
app.MapEmbeddingGemma();
return await EmbeddingGemmaServerHost.RunAsync(app, Console.Error, "EmbeddingServer could not start: ");
