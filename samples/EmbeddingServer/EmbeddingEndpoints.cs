using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using SkEmbeddingGemma.Tokenization;

namespace SkEmbeddingGemma.Samples.EmbeddingServer;

/// <summary>The handlers: OpenAI <c>/v1/embeddings</c>, TEI <c>/embed</c> and <c>/tokenize</c>. Every refusal is a JSON error, never a crash.</summary>
internal static class EmbeddingEndpoints
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static Task OpenAiEmbeddingsAsync(HttpContext context) =>
        RunAsync(context, "openai_embeddings", openAiErrors: true, async (services, options, cancellationToken) =>
        {
            OpenAiEmbeddingRequest request = await ReadAsync<OpenAiEmbeddingRequest>(context, options, cancellationToken);
            IReadOnlyList<string> inputs = ReadInputs(request.Input, "input", options);
            bool base64 = request.EncodingFormat switch
            {
                null or "float" => false,
                "base64" => true,
                _ => throw new ApiException(422, $"encoding_format '{request.EncodingFormat}' is not supported: use float or base64."),
            };

            GeneratedEmbeddings<Embedding<float>> embeddings = await GenerateAsync(services, inputs, request.Dimensions, request.PromptName, cancellationToken);
            var data = new List<OpenAiEmbeddingData>(embeddings.Count);
            for (int i = 0; i < embeddings.Count; i++)
            {
                ReadOnlySpan<float> vector = embeddings[i].Vector.Span;
                object encoded = base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector)) : vector.ToArray();
                data.Add(new OpenAiEmbeddingData("embedding", i, encoded));
            }

            long tokens = TokenCount(embeddings);
            var response = new OpenAiEmbeddingResponse("list", data, options.ModelName, new OpenAiUsage(tokens, tokens));
            return (response, inputs.Count, tokens);
        });

    public static Task TeiEmbedAsync(HttpContext context) =>
        RunAsync(context, "tei_embed", openAiErrors: false, async (services, options, cancellationToken) =>
        {
            TeiEmbedRequest request = await ReadAsync<TeiEmbedRequest>(context, options, cancellationToken);
            IReadOnlyList<string> inputs = ReadInputs(request.Inputs, "inputs", options);
            GeneratedEmbeddings<Embedding<float>> embeddings = await GenerateAsync(services, inputs, request.Dimensions, request.PromptName, cancellationToken);
            if (request.Truncate != true)
            {
                for (int i = 0; i < embeddings.Count; i++)
                {
                    if (embeddings[i].AdditionalProperties?.TryGetValue(EmbeddingGemmaGenerator.TruncatedPropertyName, out object? flag) == true &&
                        flag is true or JsonElement { ValueKind: JsonValueKind.True })
                    {
                        int maxTokens = (await services.GetRequiredService<EmbeddingGemmaModel>().GetGeneratorAsync(cancellationToken)).MaxTokens;
                        throw new ApiException(413, $"inputs[{i}] is longer than the model's {maxTokens} tokens; send truncate: true to cut it.", "Validation");
                    }
                }
            }

            // EmbeddingGemma's graph ends in L2 normalization: vectors are unit length whatever 'normalize' says.
            float[][] vectors = embeddings.Select(e => e.Vector.ToArray()).ToArray();
            return (vectors, inputs.Count, TokenCount(embeddings));
        });

    public static Task TokenizeAsync(HttpContext context) =>
        RunAsync(context, "tei_tokenize", openAiErrors: false, async (services, options, cancellationToken) =>
        {
            TeiTokenizeRequest request = await ReadAsync<TeiTokenizeRequest>(context, options, cancellationToken);
            IReadOnlyList<string> inputs = ReadInputs(request.Inputs, "inputs", options);
            EmbeddingGemmaGenerator generator = await services.GetRequiredService<EmbeddingGemmaModel>().GetGeneratorAsync(cancellationToken);
            EmbeddingGenerationOptions? generationOptions = request.PromptName is null ? null : EmbeddingGemmaGenerationOptions.ForPrompt(request.PromptName);
            IReadOnlyList<int[]> ids = generator.Tokenize(inputs, generationOptions);
            GemmaTokenizer tokenizer = generator.Tokenizer;
            bool keepSpecial = request.AddSpecialTokens ?? true;
            var result = ids.Select(row => row
                .Select(id => new TeiToken(id, tokenizer.Decode([id]), id == tokenizer.BeginningOfSentenceId || id == tokenizer.EndOfSentenceId || id == tokenizer.PaddingId))
                .Where(token => keepSpecial || !token.Special)
                .ToArray()).ToArray();
            return (result, inputs.Count, ids.Sum(row => (long)row.Length));
        });

    private static async Task RunAsync(
        HttpContext context, string endpoint, bool openAiErrors,
        Func<IServiceProvider, EmbeddingServerOptions, CancellationToken, Task<(object Body, int Inputs, long Tokens)>> handler)
    {
        long started = Stopwatch.GetTimestamp();
        IServiceProvider services = context.RequestServices;
        EmbeddingServerOptions options = services.GetRequiredService<IOptions<EmbeddingServerOptions>>().Value;
        int status = StatusCodes.Status200OK;
        int inputs = 0;
        long tokens = 0;
        try
        {
            (object body, inputs, tokens) = await handler(services, options, context.RequestAborted);
            await context.Response.WriteAsJsonAsync(body, body.GetType(), s_json, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            status = 499;
        }
        catch (Exception ex)
        {
            // A failed model load is the server's configuration or environment, whatever its exception type: never the client's 4xx.
            (status, string type) = ex switch
            {
                ApiException api => (api.StatusCode, api.Type),
                _ when ReferenceEquals(ex, services.GetRequiredService<EmbeddingGemmaModel>().Failure) => (StatusCodes.Status503ServiceUnavailable, "model_unavailable"),
                ArgumentException => (StatusCodes.Status422UnprocessableEntity, openAiErrors ? "invalid_request_error" : "Validation"),
                _ => (StatusCodes.Status500InternalServerError, "server_error"),
            };
            string message = EmbeddingGemmaErrorText.Describe(ex);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = status;
                object error = openAiErrors
                    ? new { error = new { message, type, code = status } }
                    : new { error = message, error_type = type };
                await context.Response.WriteAsJsonAsync(error, error.GetType(), s_json, CancellationToken.None);
            }
        }
        finally
        {
            services.GetRequiredService<ServerMetrics>().Record(endpoint, status, inputs, tokens, Stopwatch.GetElapsedTime(started));
        }
    }

    private static Task<T> ReadAsync<T>(HttpContext context, EmbeddingServerOptions options, CancellationToken cancellationToken)
        where T : class =>
        RequestBody.ReadAsync<T>(context, options.MaxRequestBodyBytes, cancellationToken);

    private static IReadOnlyList<string> ReadInputs(JsonElement element, string name, EmbeddingServerOptions options)
    {
        List<string> inputs;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                inputs = [element.GetString()!];
                break;
            case JsonValueKind.Array:
                inputs = new List<string>(element.GetArrayLength());
                foreach (JsonElement item in element.EnumerateArray())
                {
                    inputs.Add(item.ValueKind switch
                    {
                        JsonValueKind.String => item.GetString()!,
                        JsonValueKind.Number or JsonValueKind.Array => throw new ApiException(422, $"'{name}' holds token ids; send text instead."),
                        _ => throw new ApiException(422, $"'{name}' must be a string or an array of strings."),
                    });
                }

                break;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                throw new ApiException(422, $"'{name}' is required.");
            default:
                throw new ApiException(422, $"'{name}' must be a string or an array of strings.");
        }

        if (inputs.Count == 0)
        {
            throw new ApiException(422, $"'{name}' is empty.");
        }

        if (inputs.Count > options.MaxInputs)
        {
            throw new ApiException(413, $"'{name}' has {inputs.Count} items; the limit is {options.MaxInputs} per request.");
        }

        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Length > options.MaxInputLength)
            {
                throw new ApiException(413, $"{name}[{i}] has {inputs[i].Length} characters; the limit is {options.MaxInputLength}.");
            }
        }

        return inputs;
    }

    private static Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IServiceProvider services, IReadOnlyList<string> inputs, int? dimensions, string? promptName, CancellationToken cancellationToken)
    {
        if (dimensions is < 1)
        {
            throw new ApiException(422, $"dimensions must be at least 1 (was {dimensions}).");
        }

        var options = new EmbeddingGenerationOptions { Dimensions = dimensions };
        if (promptName is not null)
        {
            options.AdditionalProperties = new() { [EmbeddingGemmaPropertyNames.PromptName] = promptName };
        }

        return services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(inputs, options, cancellationToken);
    }

    private static long TokenCount(GeneratedEmbeddings<Embedding<float>> embeddings) =>
        embeddings.Usage?.InputTokenCount ?? 0;
}
