using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Media;

/// <summary>Names media items in messages: their position, and the <see cref="DataContent.Name"/> when set.</summary>
internal static class MediaDescription
{
    public static string Name(string position, DataContent content) =>
        string.IsNullOrEmpty(content.Name) ? $"{position} ({content.MediaType})" : $"{position} ('{content.Name}', {content.MediaType})";
}
