using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// Embeds a group of input lines some of which hold media: text lines as text, media lines through
/// <see cref="EmbeddingGemmaGenerator.GenerateMultimodalAsync"/>; refusals name the line.
/// </summary>
internal static class MediaEmbedding
{
    /// <exception cref="InvalidDataException">A line's media is missing, unreadable or refused; the message names the line.</exception>
    public static async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        EmbeddingGemmaGenerator generator, IReadOnlyList<InputLine> lines, string mediaDirectory, PromptChoice choice, CancellationToken cancellationToken)
    {
        int[] textPositions = [.. Enumerable.Range(0, lines.Count).Where(i => lines[i].Media is null)];
        int[] mediaPositions = [.. Enumerable.Range(0, lines.Count).Where(i => lines[i].Media is not null)];
        var result = new Embedding<float>[lines.Count];

        if (textPositions.Length > 0)
        {
            GeneratedEmbeddings<Embedding<float>> texts = await Named(textPositions, lines, () => generator.GenerateAsync(
                [.. textPositions.Select(i => lines[i].Text)], choice.ToOptions([.. textPositions.Select(i => lines[i].Title)]), cancellationToken)).ConfigureAwait(false);
            for (int i = 0; i < textPositions.Length; i++)
            {
                result[textPositions[i]] = texts[i];
            }
        }

        EmbeddingGemmaMultimodalInput[] inputs = [.. mediaPositions.Select(i => lines[i].Media!.Load(lines[i].HasText ? lines[i].Text : null, mediaDirectory, lines[i].Line))];
        GeneratedEmbeddings<Embedding<float>> media = await Named(mediaPositions, lines, () => generator.GenerateMultimodalAsync(
            inputs, choice.ToOptions([.. mediaPositions.Select(i => lines[i].Title)]), cancellationToken)).ConfigureAwait(false);
        for (int i = 0; i < mediaPositions.Length; i++)
        {
            result[mediaPositions[i]] = media[i];
        }

        return [.. result];
    }

    private static async Task<GeneratedEmbeddings<Embedding<float>>> Named(
        int[] positions, IReadOnlyList<InputLine> lines, Func<Task<GeneratedEmbeddings<Embedding<float>>>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (EmbeddingGemmaInputException ex) when (ex.InputIndex < positions.Length)
        {
            throw new InvalidDataException($"line {lines[positions[ex.InputIndex]].Line}: the input {ex.Reason}", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new InvalidDataException($"line {lines[positions[0]].Line}: {ex.Message}", ex);
        }
    }
}
