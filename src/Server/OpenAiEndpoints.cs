using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// OpenAI's <c>POST /v1/embeddings</c> and <c>GET /v1/models</c>. The role (prompt) comes from the model id, so
/// unchanged OpenAI clients choose it: <c>embeddinggemma</c> uses the server's default prompt (<c>document</c> unless
/// configured), <c>embeddinggemma:query</c>, <c>embeddinggemma:document</c> or <c>embeddinggemma:{task}</c> name one;
/// the <c>prompt_name</c> body field, an extension, is accepted too.
/// </summary>
internal static class OpenAiEndpoints
{
    public static Task EmbeddingsAsync(HttpContext context) =>
        EndpointRunner.RunAsync(context, "openai_embeddings", openAi: true, limited: true, async (context, state, cancellationToken) =>
        {
            OpenAiEmbeddingRequest request = await RequestBody.ReadAsync<OpenAiEmbeddingRequest>(context, state.Options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
            bool base64 = request.EncodingFormat switch
            {
                null or "float" => false,
                "base64" => true,
                _ => throw new ApiException(422, $"encoding_format '{request.EncodingFormat}' is not supported: use float or base64."),
            };

            EmbeddingGemmaGenerator model = await state.Model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false);
            string? role = ResolveRole(request.Model, state, model);
            if (role is not null && request.PromptName is not null && !string.Equals(role, request.PromptName, StringComparison.Ordinal))
            {
                throw new ApiException(400, $"model '{request.Model}' selects the prompt '{role}' but prompt_name is '{request.PromptName}'; send one of them.");
            }

            IReadOnlyList<string> inputs = InputReader.Read(request.Input, "input", state.Options, model);
            GeneratedEmbeddings<Embedding<float>> embeddings = await Embedder.EmbedAsync(
                context, state, model, inputs, request.Dimensions, request.PromptName ?? role, state.Options.AutoTruncate, null, "input",
                "this server refuses over-long input (start it with auto-truncate to cut such input instead).", cancellationToken).ConfigureAwait(false);

            var data = new List<OpenAiEmbeddingData>(embeddings.Count);
            for (int i = 0; i < embeddings.Count; i++)
            {
                ReadOnlySpan<float> vector = embeddings[i].Vector.Span;
                object encoded = base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector)) : vector.ToArray();
                data.Add(new OpenAiEmbeddingData("embedding", i, encoded));
            }

            long tokens = embeddings.Usage?.InputTokenCount ?? 0;
            string modelId = string.IsNullOrEmpty(request.Model) ? state.Options.ModelName : request.Model;
            return (new OpenAiEmbeddingResponse("list", data, modelId, new OpenAiUsage(tokens, tokens)), inputs.Count, tokens);
        });

    public static Task ModelsAsync(HttpContext context) =>
        EndpointRunner.RunAsync(context, "openai_models", openAi: true, limited: false, async (context, state, cancellationToken) =>
        {
            EmbeddingGemmaGenerator model = await state.Model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false);
            object body = new
            {
                @object = "list",
                data = ModelIds(state, model).Select(id => new { id, @object = "model", created = 0, owned_by = "local" }).ToArray(),
            };
            return (body, 0, 0L);
        });

    /// <summary>The ids a client may name: the plain one (the default prompt) and one per prompt of the model.</summary>
    public static IEnumerable<string> ModelIds(ServerState state, EmbeddingGemmaGenerator model) =>
        [state.Options.ModelName, .. model.PromptNames.Order(StringComparer.Ordinal).Select(p => $"{state.Options.ModelName}:{p}")];

    /// <summary>The prompt a model id selects: null for the plain id (the default prompt), else the one after ':'.</summary>
    private static string? ResolveRole(string? requested, ServerState state, EmbeddingGemmaGenerator model)
    {
        if (string.IsNullOrEmpty(requested) || string.Equals(requested, state.Options.ModelName, StringComparison.Ordinal))
        {
            return null;
        }

        string prefix = state.Options.ModelName + ":";
        if (requested.StartsWith(prefix, StringComparison.Ordinal))
        {
            string wanted = requested[prefix.Length..];
            string? prompt = model.PromptNames.FirstOrDefault(p => string.Equals(p, wanted, StringComparison.Ordinal))
                ?? model.PromptNames.FirstOrDefault(p => string.Equals(p, wanted, StringComparison.OrdinalIgnoreCase));
            if (prompt is not null)
            {
                return prompt;
            }
        }

        throw new ApiException(404,
            $"The model '{requested}' does not exist on this server; its models are {string.Join(", ", ModelIds(state, model))} (GET /v1/models).",
            code: "model_not_found");
    }
}
