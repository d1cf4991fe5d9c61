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
            EmbeddingGemmaGenerator model = await state.Model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false);
            if (request.Normalize == false)
            {
                throw new ApiException(422, NotNormalizedMessage);
            }

            string? direction = Embedder.ReadTruncationDirection(request.TruncationDirection);
            IReadOnlyList<string> inputs = InputReader.Read(request.Inputs, "inputs", state.Options, model);
            bool truncate = request.Truncate ?? state.Options.AutoTruncate;
            GeneratedEmbeddings<Embedding<float>> embeddings = await Embedder.EmbedAsync(
                context, state, model, inputs, request.Dimensions, request.PromptName, truncate, direction, "inputs",
                "send truncate: true to cut it.", cancellationToken).ConfigureAwait(false);
            float[][] vectors = [.. embeddings.Select(e => e.Vector.ToArray())];
            return (vectors, inputs.Count, embeddings.Usage?.InputTokenCount ?? 0);
        });

    /// <summary>
    /// TEI's <c>/embed_all</c>: the model's output for every token of every input (<c>last_hidden_state</c>, from
    /// <see cref="EmbeddingGemmaGenerator.GenerateTokenEmbeddingsAsync"/>), one array of vectors per input. As in TEI
    /// the request takes <c>inputs</c>, <c>truncate</c>, <c>truncation_direction</c> and <c>prompt_name</c>; the
    /// vectors are never normalized. Not micro-batched: a request runs as its own batches.
    /// </summary>
    public static Task EmbedAllAsync(HttpContext context) =>
        EndpointRunner.RunAsync(context, "tei_embed_all", openAi: false, limited: true, async (context, state, cancellationToken) =>
        {
            TeiEmbedAllRequest request = await RequestBody.ReadAsync<TeiEmbedAllRequest>(context, state.Options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
            EmbeddingGemmaGenerator model = await state.Model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false);
            string? direction = Embedder.ReadTruncationDirection(request.TruncationDirection);
            IReadOnlyList<string> inputs = InputReader.Read(request.Inputs, "inputs", state.Options, model);
            bool truncate = request.Truncate ?? state.Options.AutoTruncate;
            IReadOnlyList<EmbeddingGemmaTokenEmbeddings> results = await model.GenerateTokenEmbeddingsAsync(
                inputs, Embedder.Options(request.PromptName, direction), cancellationToken).ConfigureAwait(false);
            List<int> truncated = [.. Enumerable.Range(0, results.Count).Where(i => results[i].Truncated)];
            Embedder.ApplyTruncationRule(context, model, truncated, truncate, "inputs", "send truncate: true to cut it.");
            long tokens = results.Sum(r => (long)r.Count);
            Embedder.WriteComputeHeaders(context, inputs, tokens);
            float[][][] body = [.. results.Select(r => Enumerable.Range(0, r.Count).Select(t => r.GetVector(t).ToArray()).ToArray())];
            return (body, inputs.Count, tokens);
        });

    /// <summary>Why <c>normalize: false</c> is refused, for the model this server runs.</summary>
    private const string NotNormalizedMessage =
        "normalize: false is not supported: the EmbeddingGemma ONNX graph applies the L2 normalization inside its 'sentence_embedding' output " +
        "and does not output the vector before it (sentence-transformers' modules exported as one graph: EmbeddingGemma 300m mean pooling, " +
        "two Dense layers, Normalize; EmbeddingGemma 2 mean pooling, Normalize). Its only other output, 'last_hidden_state' (served by " +
        "/embed_all), is per token, before pooling. Omit normalize or send true.";

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
