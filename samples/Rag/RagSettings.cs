namespace Rag;

/// <summary>
/// What one run does: the model (a folder, else a Hugging Face Hub repository), the folder to ingest, where the index
/// lives, the questions, and the chat endpoint if any.
/// </summary>
public sealed record RagSettings(
    string? ModelPath,
    string? HubRepository,
    string DocumentsFolder,
    string DatabasePath,
    IReadOnlyList<string> Questions,
    int Top,
    int ChunkTokens,
    int OverlapTokens,
    ChatSettings? Chat);
