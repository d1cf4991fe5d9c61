using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SkEmbeddingGemma.Batching;
using SkEmbeddingGemma.Model;
using SkEmbeddingGemma.Onnx;
using SkEmbeddingGemma.Pooling;
using SkEmbeddingGemma.Prompts;
using SkEmbeddingGemma.Input;
using SkEmbeddingGemma.Media;
using SkEmbeddingGemma.Tokenization;

namespace SkEmbeddingGemma;

/// <summary>
/// Google's EmbeddingGemma as a local <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: prompt, tokenize, run the
/// ONNX graph, Matryoshka-truncate, exactly as sentence-transformers' <c>encode_query</c> / <c>encode_document</c> do.
/// </summary>
/// <remarks>
/// <para>
/// The role of each call comes from <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> (keys in
/// <see cref="EmbeddingGemmaPropertyNames"/>), so it survives any Microsoft.Extensions.AI pipeline; the extension methods
/// of <see cref="EmbeddingGemmaGeneratorExtensions"/> set them for you. <see cref="EmbeddingGenerationOptions.Dimensions"/>
/// selects a Matryoshka width (768, 512, 256 or 128 are the trained ones; any 1..768 works).
/// </para>
/// <para>All members are thread-safe: one instance serves concurrent calls over one ONNX Runtime session.</para>
/// </remarks>
public sealed class EmbeddingGemmaGenerator : IEmbeddingGenerator<string, Embedding<float>>, IEmbeddingGenerator<DataContent, Embedding<float>>
{
    /// <summary>The provider name in <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    public const string ProviderName = "embeddinggemma";

    /// <summary>
    /// The key of <see cref="Embedding.AdditionalProperties"/> holding an <see cref="int"/>: the tokens the model saw for
    /// that input, prompt and framing included.
    /// </summary>
    public const string InputTokenCountPropertyName = "input_token_count";

    /// <summary>The key of <see cref="Embedding.AdditionalProperties"/> set to <see langword="true"/> when the input was truncated.</summary>
    public const string TruncatedPropertyName = "truncated";

    private readonly OnnxEmbeddingSession _session;
    private readonly InputEncoder _encoder;
    private readonly MediaPipeline? _media;
    private readonly Lazy<EmbeddingGeneratorMetadata> _metadata;
    private readonly int _defaultDimensions;
    private readonly int _maxBatchSize;
    private readonly int _maxBatchTokens;
    private int _disposed;

    /// <summary>
    /// Loads an EmbeddingGemma folder in the onnx-community layout: EmbeddingGemma 300m
    /// (<c>onnx-community/embeddinggemma-300m-ONNX</c>) or the text model of EmbeddingGemma 2
    /// (<c>onnx-community/embeddinggemma-2-ONNX</c>). The folder says which: <c>config.json</c>'s <c>model_type</c> and
    /// sizes (under <c>text_config</c> for EmbeddingGemma 2), its prompts, its token limit and its tokenizer.
    /// </summary>
    /// <param name="modelDirectory">
    /// The folder: <c>onnx/model.onnx</c> (+ <c>model.onnx_data</c>), <c>tokenizer.json</c> and/or <c>tokenizer.model</c>,
    /// <c>config.json</c>, and optionally <c>config_sentence_transformers.json</c> (prompts), <c>sentence_bert_config.json</c>
    /// (token limit) and <c>tokenizer_config.json</c>. EmbeddingGemma 2's image and audio encoder graphs are not needed.
    /// </param>
    /// <param name="options">Load and run settings; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="modelDirectory"/> is null.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder lacks the graph or the tokenizer; the message names what is missing.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt, or the graph is not an EmbeddingGemma export.</exception>
    /// <exception cref="NotSupportedException">
    /// The variant is float16, which EmbeddingGemma does not support, or the execution provider is not in this ONNX Runtime build.
    /// </exception>
    /// <exception cref="ArgumentException">An option does not fit the model, such as dimensions above its width.</exception>
    public EmbeddingGemmaGenerator(string modelDirectory, EmbeddingGemmaGeneratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        options ??= new EmbeddingGemmaGeneratorOptions();

        string graphPath = ModelFolder.ResolveGraph(modelDirectory, options.Variant);
        _encoder = InputEncoder.Load(modelDirectory, options);
        _maxBatchSize = options.MaxBatchSize;
        _maxBatchTokens = options.MaxBatchTokens;

        using (SessionOptions sessionOptions = CreateSessionOptions(options))
        {
            _session = OnnxEmbeddingSession.Open(graphPath, sessionOptions, _encoder.Configuration.HiddenSize);
        }

        ModelIdentity identity;
        try
        {
            EmbeddingDimensions = _session.Contract.EmbeddingDimensions ?? ProbeWidth();
            _defaultDimensions = EmbeddingDimensions;
            _defaultDimensions = ValidateDimensions(options.Dimensions, nameof(options));
            identity = ModelIdentity.Capture(modelDirectory, graphPath, Path.GetFileNameWithoutExtension(graphPath), _encoder.Configuration.ModelType);
            if (_encoder.Configuration.IsMultimodal)
            {
                // Encoder sessions open on the first item of their modality: text-only use never loads them.
                _media = new MediaPipeline(
                    _encoder,
                    _session,
                    MediaPlaceholders.Load(modelDirectory),
                    MediaEncoders.Create(modelDirectory, Path.GetDirectoryName(Path.GetFullPath(graphPath))!, options, () => CreateSessionOptions(options)));
            }
        }
        catch
        {
            _session.Dispose();
            throw;
        }

        ModelId = options.ModelId ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory)));
        Uri graphUri = new(Path.GetFullPath(graphPath));
        int defaultDimensions = _defaultDimensions;

        // Hashing reads the whole graph: only when someone asks (a vector store recording which model built it).
        _metadata = new Lazy<EmbeddingGeneratorMetadata>(
            () => new EmbeddingGeneratorMetadata(ProviderName, graphUri, identity.Compute(), defaultDimensions),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Gets the model id reported on every embedding.</summary>
    public string ModelId { get; }

    /// <summary>Gets the model's full embedding width, read from the graph.</summary>
    public int EmbeddingDimensions { get; }

    /// <summary>
    /// Gets the most tokens an input keeps, <c>&lt;bos&gt;</c> and <c>&lt;eos&gt;</c> included: the model folder's limit
    /// (<c>sentence_bert_config.json</c>'s <c>max_seq_length</c>), or a smaller <see cref="EmbeddingGemmaGeneratorOptions.MaxTokens"/>.
    /// </summary>
    public int MaxTokens => _encoder.MaxTokens;

    /// <summary>Gets the multimodal pipeline, or null for a text-only model.</summary>
    internal MediaPipeline? Media => _media;

    /// <summary>Gets the model's tokenizer, for counting tokens and chunking text.</summary>
    public GemmaTokenizer Tokenizer => _encoder.Tokenizer;

    /// <summary>Gets the prompt names this model knows (built-in and from its folder).</summary>
    public IEnumerable<string> PromptNames => _encoder.Prompts.Names;

    /// <summary>Gets the prompt text of a name, such as <c>task: search result | query: </c> for <c>query</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="promptName"/> is null.</exception>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known names.</exception>
    public string GetPrompt(string promptName)
    {
        ArgumentNullException.ThrowIfNull(promptName);
        return _encoder.Prompts.GetPrompt(promptName, nameof(promptName));
    }

    /// <summary>
    /// Tokenizes inputs exactly as <see cref="GenerateAsync(IEnumerable{string}, EmbeddingGenerationOptions?, CancellationToken)"/> feeds them to the model: prompt + text (as is: sentence-transformers 6
    /// no longer strips it), framed with <c>&lt;bos&gt;</c> ... <c>&lt;eos&gt;</c> and truncated to <see cref="MaxTokens"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">
    /// The options name an unknown prompt, or an input is too long and truncation is off, or an input holds a token the
    /// model cannot embed as text (see <see cref="GenerateAsync(IEnumerable{string}, EmbeddingGenerationOptions?, CancellationToken)"/>).
    /// </exception>
    public IReadOnlyList<int[]> Tokenize(IEnumerable<string> values, EmbeddingGenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _encoder.Encode(Materialize(values), options).Select(t => t.Ids).ToArray();
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">
    /// The options name an unknown prompt, both a prompt and a prompt name, titles that do not match the inputs, or
    /// dimensions above the model's width; or an input is too long and truncation is off; or an input holds a token the
    /// model cannot embed as text: one with no row in its embedding table (<c>&lt;image_soft_token&gt;</c>), or, for a
    /// multimodal model such as EmbeddingGemma 2, a media token its <c>tokenizer_config.json</c> names
    /// (<c>&lt;|image|&gt;</c>, <c>&lt;|audio&gt;</c>, ...).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);

        // Validate on the caller's thread, so bad input fails fast and synchronously-observed.
        IReadOnlyList<string> inputs = Materialize(values);
        int dimensions = ValidateDimensions(options?.Dimensions, nameof(options));
        IReadOnlyList<TokenizedInput> tokenized = _encoder.Encode(inputs, options);
        return Task.Run(() => Embed(tokenized, dimensions, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Runs the model on texts and returns the output of every token (the graph's <c>last_hidden_state</c>) instead of
    /// the pooled embedding: the vectors late chunking pools over a chunk's tokens after the whole document was read.
    /// </summary>
    /// <remarks>
    /// Inputs are prepared exactly as for <see cref="GenerateAsync(IEnumerable{string}, EmbeddingGenerationOptions?, CancellationToken)"/>
    /// (prompt, framing, truncation and its <see cref="EmbeddingGemmaPropertyNames.TruncationDirection"/>), so each
    /// result has one row per id of <see cref="Tokenize"/>. The rows are the model's hidden states, neither pooled,
    /// projected, nor normalized, so <see cref="EmbeddingGenerationOptions.Dimensions"/> does not apply to them.
    /// </remarks>
    /// <param name="values">The texts.</param>
    /// <param name="options">The prompt and truncation options; <see cref="EmbeddingGenerationOptions.Dimensions"/> must be null.</param>
    /// <param name="cancellationToken">Cancels the runs.</param>
    /// <returns>One result per input, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">
    /// The options set dimensions, name an unknown prompt or truncation direction; or an input is too long and truncation
    /// is off, or holds a token the model cannot embed as text.
    /// </exception>
    /// <exception cref="NotSupportedException">The graph has no <c>last_hidden_state</c> output.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    public Task<IReadOnlyList<EmbeddingGemmaTokenEmbeddings>> GenerateTokenEmbeddingsAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (options?.Dimensions is int dimensions)
        {
            throw new ArgumentException(
                $"Dimensions {dimensions} does not apply to token embeddings: they are the model's hidden states, not Matryoshka sentence embeddings; leave Dimensions null.",
                nameof(options));
        }

        if (_session.Contract.TokenEmbeddingWidth is null)
        {
            throw new NotSupportedException(
                $"'{_session.ModelPath}' has no '{GraphContract.LastHiddenState}' output, so it gives no token embeddings; onnx-community's EmbeddingGemma exports have it.");
        }

        IReadOnlyList<TokenizedInput> tokenized = _encoder.Encode(Materialize(values), options);
        return Task.Run(() => EmbedTokens(tokenized, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Embeds one text, as Microsoft.Extensions.AI's <c>GenerateAsync(value)</c> extension does; an instance method
    /// because this generator serves both strings and <see cref="DataContent"/>, which leaves the generic extension
    /// nothing to infer its embedding type from.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="ArgumentException">As for <see cref="GenerateAsync(IEnumerable{string}, EmbeddingGenerationOptions?, CancellationToken)"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "IEmbeddingGenerator<TInput, TEmbedding>.GenerateAsync fixes these signatures for each input type this generator serves.")]
    public async Task<Embedding<float>> GenerateAsync(string value, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (await GenerateAsync([value], options, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Embeds images (and audio clips where the model and library support them) into the same space as text, so text
    /// queries find them; EmbeddingGemma 2 only. Each value is one input, as transformers.js'
    /// <c>EmbeddingGemma2Processor</c> takes media without text: no prompt is applied.
    /// </summary>
    /// <remarks>
    /// Images are PNG, JPEG, WebP, BMP or GIF (first frame) bytes, turned upright by their EXIF orientation. A
    /// <c>video/*</c> value is a video file, decoded with FFmpeg into the frames transformers.js would sample
    /// (<see cref="EmbeddingGemmaGeneratorOptions.VideoFramesPerSecond"/>). The vision encoder
    /// (<c>onnx/vision_encoder.onnx</c>) is loaded on the first image. For text with media, or videos as frames, use
    /// <see cref="GenerateMultimodalAsync"/>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its elements is null.</exception>
    /// <exception cref="EmbeddingGemmaInputException">
    /// A value's media type is not an image (or audio), or, when the task is awaited, it cannot be decoded, is empty,
    /// or is too large; the message names the value.
    /// </exception>
    /// <exception cref="NotSupportedException">
    /// The model is text-only, its folder has no encoder for the media, or a video file needs FFmpeg (<c>ffmpeg</c>,
    /// <c>ffprobe</c>), which is not on the <c>PATH</c>.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "IEmbeddingGenerator<TInput, TEmbedding>.GenerateAsync fixes these signatures for each input type this generator serves.")]
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        DataContent[] contents = values.ToArray();
        var inputs = new EmbeddingGemmaMultimodalInput[contents.Length];
        for (int i = 0; i < contents.Length; i++)
        {
            DataContent content = contents[i] ?? throw new ArgumentNullException(nameof(values), $"values[{i}] is null.");
            inputs[i] = content.HasTopLevelMediaType("image") ? new EmbeddingGemmaMultimodalInput { Images = [content] }
                : content.HasTopLevelMediaType("audio") ? new EmbeddingGemmaMultimodalInput { Audio = [content] }
                : content.HasTopLevelMediaType("video") ? new EmbeddingGemmaMultimodalInput { Videos = [[content]] }
                : throw new EmbeddingGemmaInputException(
                    i, $"has media type '{content.MediaType}'; this generator embeds images (image/*), audio (audio/*) and video files (video/*). Pass a video as its frames with {nameof(GenerateMultimodalAsync)}.");
        }

        return GenerateMultimodalAsync(inputs, options, cancellationToken);
    }

    /// <summary>
    /// Embeds inputs that mix text with images, videos (as frames, or one video file each) and audio, as transformers.js'
    /// <c>EmbeddingGemma2Processor</c> and <c>EmbeddingGemma2Model</c> do: each placeholder of
    /// <see cref="EmbeddingGemmaMultimodalInput.Text"/> becomes the soft tokens of the next item of its modality.
    /// </summary>
    /// <remarks>
    /// An input with text gets the call's prompt like a text input (see <see cref="GenerateAsync(IEnumerable{string}, EmbeddingGenerationOptions?, CancellationToken)"/>);
    /// one without text gets none. Inputs are never truncated: an input longer than <see cref="MaxTokens"/> is refused.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">The options name an unknown prompt or dimensions above the model's width.</exception>
    /// <exception cref="EmbeddingGemmaInputException">
    /// An input has no text and no media, or its placeholders and items do not match in number; or, when the task is
    /// awaited, an item cannot be decoded or the input is too long. The message names the input and the item.
    /// </exception>
    /// <exception cref="NotSupportedException">
    /// The model is text-only, its folder has no encoder for a modality given, or a video file needs FFmpeg, which is
    /// not on the <c>PATH</c>.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateMultimodalAsync(
        IEnumerable<EmbeddingGemmaMultimodalInput> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        MediaPipeline media = _media ?? throw new NotSupportedException(
            $"'{ModelId}' embeds text only; images, video and audio need a multimodal model such as EmbeddingGemma 2.");
        EmbeddingGemmaMultimodalInput[] inputs = values.ToArray();
        media.Validate(inputs);
        int dimensions = ValidateDimensions(options?.Dimensions, nameof(options));
        PromptSelection prompts = _encoder.SelectPrompts(options, inputs.Length);
        return Task.Run(
            () =>
            {
                (float[] Vector, int Tokens)[] results = media.Embed(inputs, prompts, EmbeddingDimensions, cancellationToken);
                DateTimeOffset createdAt = DateTimeOffset.UtcNow;
                var embeddings = new GeneratedEmbeddings<Embedding<float>>(results.Length);
                long tokenCount = 0;
                foreach ((float[] vector, int tokens) in results)
                {
                    embeddings.Add(new Embedding<float>(MatryoshkaProjection.Project(vector, dimensions))
                    {
                        ModelId = ModelId,
                        CreatedAt = createdAt,
                        AdditionalProperties = new AdditionalPropertiesDictionary { [InputTokenCountPropertyName] = tokens },
                    });
                    tokenCount += tokens;
                }

                embeddings.Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount };
                return embeddings;
            },
            cancellationToken);
    }

    /// <summary>
    /// Gets a service of this generator: <see cref="EmbeddingGeneratorMetadata"/>, the ONNX Runtime
    /// <see cref="InferenceSession"/>, the <see cref="GemmaTokenizer"/>, or the generator itself.
    /// </summary>
    /// <remarks>
    /// The metadata's <see cref="EmbeddingGeneratorMetadata.DefaultModelId"/> is the content identity of the loaded
    /// model, <c>{model_type}@sha256:{64 hex}</c> (<c>gemma3_text@sha256:...</c> for EmbeddingGemma 300m,
    /// <c>embedding_gemma2@sha256:...</c> for EmbeddingGemma 2): the lower-case
    /// SHA-256 of a manifest of the variant name and the name, size and SHA-256 of every file that shapes the vectors
    /// (the graph and its external data, <c>config.json</c>, <c>sentence_bert_config.json</c>,
    /// <c>config_sentence_transformers.json</c>, <c>tokenizer.json</c>, <c>tokenizer.model</c>,
    /// <c>tokenizer_config.json</c>). It does not depend on the folder's path or name, so a store can tell whether it
    /// is searched with the model that built it. It is computed on the first request (reading the graph's weights,
    /// except for huggingface_hub cache blobs already named by their SHA-256) and cached. <see cref="ModelId"/>, the id
    /// on each embedding, is unaffected. <see cref="EmbeddingGeneratorMetadata.DefaultModelDimensions"/> is the
    /// default Matryoshka width.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is null.</exception>
    /// <exception cref="InvalidOperationException">
    /// The metadata was asked for the first time after a model file changed or went away since the load.
    /// </exception>
    /// <exception cref="IOException">The metadata was asked for the first time and a model file can't be read.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return
            serviceKey is not null ? null :
            serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata.Value :
            serviceType == typeof(InferenceSession) ? _session.Session :
            serviceType.IsInstanceOfType(_encoder.Tokenizer) ? _encoder.Tokenizer :
            serviceType.IsInstanceOfType(this) ? this :
            null;
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _media?.Dispose();
            _session.Dispose();
        }
    }

    private static IReadOnlyList<string> Materialize(IEnumerable<string> values)
    {
        string[] inputs = values.ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentNullException(nameof(values), $"values[{i}] is null; every input must be a string (use \"\" for empty text).");
            }
        }

        return inputs;
    }

    private int ValidateDimensions(int? requested, string paramName)
    {
        if (requested is not int dimensions)
        {
            return _defaultDimensions;
        }

        return dimensions >= 1 && dimensions <= EmbeddingDimensions ? dimensions : throw new ArgumentException(
            $"Dimensions {dimensions} is outside 1..{EmbeddingDimensions}: this model's embeddings have {EmbeddingDimensions} " +
            "dimensions (Matryoshka widths 768, 512, 256 and 128 are the trained ones).", paramName);
    }

    private GeneratedEmbeddings<Embedding<float>> Embed(IReadOnlyList<TokenizedInput> inputs, int dimensions, CancellationToken cancellationToken)
    {
        var vectors = new float[inputs.Count][];
        List<int[]> batches = BatchPlanner.Plan(inputs.Select(i => i.Ids.Length).ToArray(), _maxBatchSize, _maxBatchTokens);
        float[] output = [];
        foreach (int[] batchPositions in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TokenizedInput[] members = Array.ConvertAll(batchPositions, p => inputs[p]);
            using TokenBatch batch = TokenBatch.Create(members, _encoder.Tokenizer.PaddingId);
            if (output.Length < members.Length * EmbeddingDimensions)
            {
                output = new float[members.Length * EmbeddingDimensions];
            }

            int width = _session.Run(batch, output, cancellationToken);
            for (int row = 0; row < members.Length; row++)
            {
                vectors[batchPositions[row]] = MatryoshkaProjection.Project(output.AsSpan(row * width, width), dimensions);
            }
        }

        DateTimeOffset createdAt = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count);
        long tokenCount = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            var embedding = new Embedding<float>(vectors[i]) { ModelId = ModelId, CreatedAt = createdAt };
            embedding.AdditionalProperties = new AdditionalPropertiesDictionary { [InputTokenCountPropertyName] = inputs[i].Ids.Length };
            if (inputs[i].Truncated)
            {
                embedding.AdditionalProperties[TruncatedPropertyName] = true;
            }

            tokenCount += inputs[i].Ids.Length;
            result.Add(embedding);
        }

        result.Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount };
        return result;
    }

    private IReadOnlyList<EmbeddingGemmaTokenEmbeddings> EmbedTokens(IReadOnlyList<TokenizedInput> inputs, CancellationToken cancellationToken)
    {
        var results = new EmbeddingGemmaTokenEmbeddings[inputs.Count];
        foreach (int[] batchPositions in BatchPlanner.Plan(inputs.Select(i => i.Ids.Length).ToArray(), _maxBatchSize, _maxBatchTokens))
        {
            cancellationToken.ThrowIfCancellationRequested();
            TokenizedInput[] members = Array.ConvertAll(batchPositions, p => inputs[p]);
            using TokenBatch batch = TokenBatch.Create(members, _encoder.Tokenizer.PaddingId);
            (float[] values, int width) = _session.RunTokenEmbeddings(batch, cancellationToken);
            for (int row = 0; row < members.Length; row++)
            {
                // Right padding: an input's tokens are the first of its row; the padding positions are dropped.
                int[] ids = members[row].Ids;
                float[] vectors = values.AsSpan(row * batch.Columns * width, ids.Length * width).ToArray();
                results[batchPositions[row]] = new EmbeddingGemmaTokenEmbeddings(ids, vectors, width, members[row].Truncated);
            }
        }

        return results;
    }

    private int ProbeWidth()
    {
        // The graph leaves its output width dynamic: learn it from the empty text, [<bos>, <eos>].
        using TokenBatch probe = TokenBatch.Create([new TokenizedInput(0, _encoder.Tokenizer.EncodeFramed([], MaxTokens, out _), false)], _encoder.Tokenizer.PaddingId);
        float[] buffer = new float[65536];
        return _session.Run(probe, buffer, CancellationToken.None);
    }

    internal static SessionOptions CreateSessionOptions(EmbeddingGemmaGeneratorOptions options)
    {
        if (options.SessionOptionsFactory is { } factory)
        {
            if (options.IntraOpNumThreads is not null || options.ExecutionProvider != EmbeddingGemmaExecutionProvider.Cpu || options.DeviceId != 0)
            {
                throw new ArgumentException(
                    $"{nameof(options.SessionOptionsFactory)} replaces {nameof(options.IntraOpNumThreads)}, {nameof(options.ExecutionProvider)} and "
                    + $"{nameof(options.DeviceId)}: set those in the session options it returns.", nameof(options));
            }

            return factory() ?? throw new InvalidOperationException("SessionOptionsFactory returned null.");
        }

        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        try
        {
            if (DefaultThreadCount.Resolve(options.IntraOpNumThreads) is int threads)
            {
                sessionOptions.IntraOpNumThreads = threads;
            }

            ExecutionProviders.Append(sessionOptions, options.ExecutionProvider, options.DeviceId);
            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }
}
