namespace SkEmbeddingGemma.Hub;

/// <summary>Progress of one file of a Hub download; it never carries the access token.</summary>
/// <remarks>Instances are immutable and safe to share between threads.</remarks>
/// <param name="FileName">The file's path in the repository, such as <c>onnx/model.onnx_data</c>.</param>
/// <param name="BytesDownloaded">Bytes of the file on disk so far, resumed bytes included.</param>
/// <param name="TotalBytes">The file's size, when the Hub announced it.</param>
public sealed record HubDownloadProgress(string FileName, long BytesDownloaded, long? TotalBytes);
