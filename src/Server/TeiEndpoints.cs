using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Tokenization;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// Text Embeddings Inference's routes: <c>/embed</c>, <c>/embed_all</c>, <c>/tokenize</c>, <c>/decode</c>, with TEI's
/// request fields and error shape (<c>{"error": "...", "error_type": "Validation"}</c>).
/// </summary>
internal static class TeiEndpoints
{
    public static Task EmbedAsync(HttpContext context) =>
        EndpointRunner.RunAsync(context, "tei_embed", openAi: false, limited: true, async (context, state, cancellationToken) =>
        {
            TeiEmbedRequest request = await RequestBody.ReadAsync<TeiEmbedRequest>(context, state.Options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
            if (request.Normalize == false)
            {
                // The graph ends in L2 normalization (as sentence-transformers' Normalize module): the raw vector never leaves it.
                throw new ApiException(422, "normalize: false is not supported: EmbeddingGemma's graph ends in L2 normalization, so every vector is unit length; omit normalize or send true.");
            }

            bool left = request.TruncationDirection switch
            {
                null => false,
                _ when request.TruncationDirection.Equals("right", StringComparison.OrdinalIgnoreCase) => false,
                _ when request.TruncationDirection.Equals("left", StringComparison.OrdinalIgnoreCase) => true,
                _ => throw new ApiException(422, $"truncation_direction '{request.TruncationDirection}' is not one of Right, Left."),
            };

            EmbeddingGemmaGenerator model = await state.Model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string> inputs = InputReader.Read(request.Inputs, "inputs", state.Options, model);
            bool truncate = request.Truncate ?? state.Options.AutoTruncate;
            GeneratedEmbeddings<Embedding<float>> embeddings = await Embedder.EmbedAsync(
                context, state, model, inputs, request.Dimensions, request.PromptName, truncate, "inputs",
                "send truncate: true to cut it.", cancellationToken).ConfigureAwait(false);
            if (left && context.Response.Headers.ContainsKey(Embedder.TruncatedHeader))
            {
                // Only an input that is actually cut makes the direction matter; the model keeps the start of a text.
                throw new ApiException(422, $"truncation_direction Left is not supported: inputs {context.Response.Headers[Embedder.TruncatedHeader]} needed truncation and this server keeps the start of a text; send Right or shorter inputs.");
            }

            float[][] vectors = [.. embeddings.Select(e => e.Vector.ToArray())];
            return (vectors, inputs.Count, embeddings.Usage?.InputTokenCount ?? 0);
        });

    public static Task EmbedAllAsync(HttpContext context) =>
        EndpointRunner.RunAsync(context, "tei_embed_all", openAi: false, limited: true, (_, _, _) =>
            throw new ApiException(501,
                "/embed_all is not available: this EmbeddingGemma ONNX graph outputs only pooled sentence embeddings ('sentence_embedding'), not per-token embeddings; use /embed."));

    public static Task TokenizeAsync(HttpContext context) =>
        EndpointRunner.RunAsync(context, "tei_tokenize", openAi: false, limited: true, async (context, state, cancellationToken) =>
        {
            TeiTokenizeRequest request = await RequestBody.ReadAsync<TeiTokenizeRequest>(context, state.Options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
            EmbeddingGemmaGenerator generator = await state.Model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string> inputs = InputReader.Read(request.Inputs, "inputs", state.Options, generator);
            EmbeddingGenerationOptions? generationOptions = request.PromptName is null ? null : EmbeddingGemmaGenerationOptions.ForPrompt(request.PromptName);
            IReadOnlyList<int[]> ids = generator.Tokenize(inputs, generationOptions);
            GemmaTokenizer tokenizer = generator.Tokenizer;
            bool keepSpecial = request.AddSpecialTokens ?? true;
            TeiToken[][] result = [.. ids.Select(row => row
                .Select(id => new TeiToken(id, tokenizer.Decode([id]), IsSpecial(tokenizer, id), null, null))
                .Where(token => keepSpecial || !token.Special)
                .ToArray())];
            return (result, inputs.Count, ids.Sum(row => (long)row.Length));
        });

    public static Task DecodeAsync(HttpContext context) =>
        EndpointRunner.RunAsync(context, "tei_decode", openAi: false, limited: true, async (context, state, cancellationToken) =>
        {
            TeiDecodeRequest request = await RequestBody.ReadAsync<TeiDecodeRequest>(context, state.Options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
            GemmaTokenizer tokenizer = (await state.Model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false)).Tokenizer;
            bool skipSpecial = request.SkipSpecialTokens ?? true;
            List<int[]> rows = request.Ids.ValueKind switch
            {
                JsonValueKind.Array when request.Ids.GetArrayLength() > 0 && request.Ids[0].ValueKind == JsonValueKind.Array =>
                    [.. request.Ids.EnumerateArray().Select((row, i) => ReadIds(row, $"ids[{i}]", tokenizer))],
                JsonValueKind.Array => [ReadIds(request.Ids, "ids", tokenizer)],
                JsonValueKind.Undefined or JsonValueKind.Null => throw new ApiException(422, "'ids' is required."),
                _ => throw new ApiException(422, "'ids' must be an array of token ids or an array of such arrays."),
            };

            if (rows.Count > state.Options.MaxClientBatchSize)
            {
                throw new ApiException(413, $"'ids' has {rows.Count} items; the limit is {state.Options.MaxClientBatchSize} per request (max client batch size).");
            }

            string[] texts = [.. rows.Select(row => tokenizer.Decode(skipSpecial ? row.Where(id => !IsSpecial(tokenizer, id)) : row))];
            return (texts, rows.Count, rows.Sum(r => (long)r.Length));
        });

    private static bool IsSpecial(GemmaTokenizer tokenizer, int id) =>
        id == tokenizer.BeginningOfSentenceId || id == tokenizer.EndOfSentenceId || id == tokenizer.PaddingId;

    private static int[] ReadIds(JsonElement row, string where, GemmaTokenizer tokenizer)
    {
        if (row.ValueKind != JsonValueKind.Array)
        {
            throw new ApiException(422, $"{where} must be an array of token ids.");
        }

        var ids = new int[row.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in row.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int id) || id < 0 || id >= tokenizer.VocabularySize)
            {
                throw new ApiException(422, $"{where}[{i}] is {item.GetRawText()}, not a token id of this model (0..{tokenizer.VocabularySize - 1}).");
            }

            ids[i++] = id;
        }

        return ids;
    }
}
