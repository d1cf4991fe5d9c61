using System.Text.Json;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Integration;

/// <summary>One reference result: the ids transformers.js fed the model and the embeddings it produced, by width.</summary>
public sealed record ReferenceEmbedding(int[] Ids, Dictionary<int, float[]> Embeddings);

/// <summary>Runs <c>tests/TestSupport/node/embed.mjs</c>: transformers.js over the same model folder, one text at a time.</summary>
public static class ReferenceEmbeddings
{
    public static async Task<IReadOnlyList<ReferenceEmbedding>> ComputeAsync(
        string modelDirectory, IReadOnlyList<(string Prompt, string Text)> items, int maxTokens, params int[] dimensions)
    {
        string work = Path.Combine(Path.GetTempPath(), "skeg-ref-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string input = Path.Combine(work, "input.json");
            string output = Path.Combine(work, "output.json");
            var request = new
            {
                maxTokens,
                dimensions,
                items = items.Select(i => new { prompt = i.Prompt, text = i.Text.Select(c => (int)c).ToArray() }).ToArray(),
            };
            await File.WriteAllTextAsync(input, JsonSerializer.Serialize(request));
            await NodeReference.RunScriptAsync("embed.mjs", Path.GetFullPath(modelDirectory), input, output);

            using JsonDocument document = JsonDocument.Parse(await File.ReadAllBytesAsync(output));
            return document.RootElement.EnumerateArray().Select(r => new ReferenceEmbedding(
                r.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray(),
                r.GetProperty("embeddings").EnumerateObject().ToDictionary(
                    p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture),
                    p => p.Value.EnumerateArray().Select(x => x.GetSingle()).ToArray()))).ToArray();
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
