using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SkEmbeddingGemma.Hub;

namespace SkEmbeddingGemma;

/// <summary>
/// One registration's EmbeddingGemma model: located and loaded once, on first use or by the warm-up service, and shared by
/// every generator pipeline built on it. Health checks, tokenizing endpoints and warm-up read it from DI.
/// </summary>
/// <remarks>
/// All members are thread-safe. Concurrent first calls wait for one load. A failed load is remembered (see
/// <see cref="Failure"/>) and retried by the next call, so a transient download error heals itself.
/// </remarks>
public sealed class EmbeddingGemmaModel : IDisposable
{
    private readonly IServiceProvider? _services;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private EmbeddingGemmaGenerator? _generator;
    private Exception? _failure;
    private int _status;
    private int _loadCount;
    private int _disposed;

    /// <summary>Creates a model that loads on first use.</summary>
    /// <param name="options">The registration's settings.</param>
    /// <param name="services">The services handed to <see cref="EmbeddingGemmaServiceOptions.ModelLocator"/>; null for none.</param>
    /// <param name="logger">Where load progress goes; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public EmbeddingGemmaModel(EmbeddingGemmaServiceOptions options, IServiceProvider? services = null, ILogger<EmbeddingGemmaModel>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _services = services;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Gets the registration's settings.</summary>
    public EmbeddingGemmaServiceOptions Options { get; }

    /// <summary>Gets where the model stands.</summary>
    public EmbeddingGemmaModelStatus Status => (EmbeddingGemmaModelStatus)Volatile.Read(ref _status);

    /// <summary>Gets the error of the last failed load, or null.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Gets the loaded generator, or null before the model has loaded.</summary>
    public EmbeddingGemmaGenerator? Generator => Volatile.Read(ref _generator);

    /// <summary>Gets the folder the model was loaded from, or null before it has loaded.</summary>
    public string? ModelDirectory { get; private set; }

    /// <summary>Gets how many loads have completed successfully (0 or 1 unless the model was disposed and reloaded).</summary>
    internal int LoadCount => Volatile.Read(ref _loadCount);

    /// <summary>Returns the generator, loading the model first if needed (once, whatever the number of concurrent callers).</summary>
    /// <param name="cancellationToken">Cancels this caller's wait and, when it is the loader, the location step.</param>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidOperationException">The locator returned no folder.</exception>
    /// <exception cref="HubDownloadException">The model comes from the Hub and could not be downloaded (or, offline, is not cached); the next call retries and resumes.</exception>
    /// <remarks>Load errors (missing files, a corrupt graph, bad settings) propagate as <see cref="EmbeddingGemmaGenerator"/>'s constructor throws them.</remarks>
    public async ValueTask<EmbeddingGemmaGenerator> GetGeneratorAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _generator) is { } loaded)
        {
            return loaded;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_generator is { } winner)
            {
                return winner;
            }

            Volatile.Write(ref _status, (int)EmbeddingGemmaModelStatus.Loading);
            try
            {
                EmbeddingGemmaGenerator generator = await LoadAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _failure, null);
                Volatile.Write(ref _generator, generator);
                Interlocked.Increment(ref _loadCount);
                Volatile.Write(ref _status, (int)EmbeddingGemmaModelStatus.Loaded);
                return generator;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Volatile.Write(ref _status, (int)(_failure is null ? EmbeddingGemmaModelStatus.NotLoaded : EmbeddingGemmaModelStatus.Failed));
                throw;
            }
            catch (Exception ex)
            {
                Volatile.Write(ref _failure, ex);
                Volatile.Write(ref _status, (int)EmbeddingGemmaModelStatus.Failed);
                EmbeddingGemmaLog.LoadFailed(_logger, ex.Message, ex);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Releases the loaded model, if any.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Interlocked.Exchange(ref _generator, null)?.Dispose();
        }
    }

    private async Task<EmbeddingGemmaGenerator> LoadAsync(CancellationToken cancellationToken)
    {
        string directory = await LocateAsync(cancellationToken).ConfigureAwait(false);
        EmbeddingGemmaLog.Loading(_logger, directory);
        long started = Stopwatch.GetTimestamp();

        // A Hub snapshot folder is named after its commit, so the repository is the better default id.
        EmbeddingGemmaGeneratorOptions generatorOptions = Options.ToGeneratorOptions(Options.UsesHub ? Options.EffectiveHubRepository : null);
        EmbeddingGemmaGenerator generator = await Task.Run(() => new EmbeddingGemmaGenerator(directory, generatorOptions), cancellationToken)
            .ConfigureAwait(false);
        ModelDirectory = directory;
        EmbeddingGemmaLog.Loaded(_logger, generator.ModelId, generator.EmbeddingDimensions, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return generator;
    }

    /// <summary>The model folder: the locator's, else <see cref="EmbeddingGemmaServiceOptions.ModelPath"/>, else a Hub download (or its cache).</summary>
    private async Task<string> LocateAsync(CancellationToken cancellationToken)
    {
        if (Options.ModelLocator is { } locator)
        {
            return await locator(_services ?? EmptyServiceProvider.Instance, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("EmbeddingGemma's ModelLocator returned no folder.");
        }

        if (!Options.UsesHub)
        {
            return Options.ModelPath!;
        }

        HubDownloadOptions download = Options.ToHubDownloadOptions();
        EmbeddingGemmaLog.Downloading(_logger, download.Repository, download.Revision, download.Variant);
        return await HuggingFaceHub.DownloadModelAsync(download, Options.HubProgress, cancellationToken).ConfigureAwait(false);
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
