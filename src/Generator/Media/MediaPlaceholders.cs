using SkEmbeddingGemma.Tokenization;

namespace SkEmbeddingGemma.Media;

/// <summary>
/// The media token strings of <c>tokenizer_config.json</c>, and how transformers.js' <c>EmbeddingGemma2Processor</c>
/// expands a placeholder: an image to <c>boi + image × n + eoi</c>, a video to that block with the video token once per
/// frame, audio to <c>boa + audio × n + eoa</c>.
/// </summary>
internal sealed class MediaPlaceholders
{
    private readonly Dictionary<string, string> _tokens;

    private MediaPlaceholders(Dictionary<string, string> tokens) => _tokens = tokens;

    public static MediaPlaceholders Load(string modelDirectory)
    {
        string path = Path.Combine(modelDirectory, "tokenizer_config.json");
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach ((string key, string content) in TokenizerConfig.Load(path).MediaTokens)
            {
                tokens.TryAdd(key, content);
            }
        }

        return new MediaPlaceholders(tokens);
    }

    /// <summary>Gets the placeholder a user writes for <paramref name="kind"/>, or null when the tokenizer names none.</summary>
    public string? Placeholder(MediaKind kind) => _tokens.GetValueOrDefault(kind switch
    {
        MediaKind.Image => "image_token",
        MediaKind.Video => "video_token",
        _ => "audio_token",
    });

    /// <summary>The tokens one item of <paramref name="kind"/> becomes.</summary>
    public string Expansion(MediaKind kind, IPreparedMedia item)
    {
        string placeholder = Placeholder(kind)!;
        (string begin, string end) = kind == MediaKind.Audio
            ? (_tokens.GetValueOrDefault("boa_token", string.Empty), _tokens.GetValueOrDefault("eoa_token", string.Empty))
            : (_tokens.GetValueOrDefault("boi_token", string.Empty), _tokens.GetValueOrDefault("eoi_token", string.Empty));
        var block = new System.Text.StringBuilder(begin.Length + end.Length + (placeholder.Length * item.SoftTokens));
        block.Append(begin);
        for (int i = 0; i < item.SoftTokens; i++)
        {
            block.Append(placeholder);
        }

        block.Append(end);
        string one = block.ToString();
        return item.Blocks == 1 ? one : string.Concat(Enumerable.Repeat(one, item.Blocks));
    }

    /// <summary>Counts the non-overlapping placeholders of <paramref name="kind"/> in <paramref name="text"/>.</summary>
    public int Count(string text, MediaKind kind)
    {
        string? placeholder = Placeholder(kind);
        if (string.IsNullOrEmpty(placeholder))
        {
            return 0;
        }

        int count = 0;
        for (int at = text.IndexOf(placeholder, StringComparison.Ordinal); at >= 0; at = text.IndexOf(placeholder, at + placeholder.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Replaces the placeholders of <paramref name="kind"/>, in order, by <paramref name="expansions"/>.</summary>
    public string Expand(string text, MediaKind kind, IReadOnlyList<string> expansions)
    {
        string? placeholder = Placeholder(kind);
        if (expansions.Count == 0 || string.IsNullOrEmpty(placeholder))
        {
            return text;
        }

        var result = new System.Text.StringBuilder(text.Length + expansions.Sum(e => e.Length));
        int start = 0, next = 0;
        for (int at = text.IndexOf(placeholder, StringComparison.Ordinal); at >= 0; at = text.IndexOf(placeholder, start, StringComparison.Ordinal))
        {
            result.Append(text, start, at - start).Append(expansions[next++]);
            start = at + placeholder.Length;
        }

        return result.Append(text, start, text.Length - start).ToString();
    }
}
