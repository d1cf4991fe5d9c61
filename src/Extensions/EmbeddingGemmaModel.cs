using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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
    private readonly string _optionsName;
    private readonly string _settingPrefix;
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
        : this(options, services, logger, Microsoft.Extensions.Options.Options.DefaultName, EmbeddingGemmaServiceOptions.SectionName + ":")
    {
    }

    /// <summary>Creates a registration's model, whose configuration errors name settings as <paramref name="settingPrefix"/><c>Name</c>.</summary>
    internal EmbeddingGemmaModel(
        EmbeddingGemmaServiceOptions options, IServiceProvider? services, ILogger<EmbeddingGemmaModel>? logger, string optionsName, string settingPrefix)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _services = services;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _optionsName = optionsName;
        _settingPrefix = settingPrefix;
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
    /// <exception cref="OptionsValidationException">
    /// The settings do not fit the located model, such as a <see cref="EmbeddingGemmaServiceOptions.DefaultPromptName"/> it
    /// has no prompt for or <see cref="EmbeddingGemmaServiceOptions.Dimensions"/> above its width; each failure names the setting.
    /// </exception>
    /// <remarks>Other load errors (missing files, a corrupt graph) propagate as <see cref="EmbeddingGemmaGenerator"/>'s constructor throws them.</remarks>
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
                // A settings error's stack trace points into this class, not at the setting the message names.
                EmbeddingGemmaLog.LoadFailed(_logger, EmbeddingGemmaErrorText.Describe(ex), ex is OptionsValidationException ? null : ex);
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

        // Settings that only the model can judge are configuration errors, not the caller's: name the setting, and let
        // a host report them as such (a server answers 503, not 422, to the request that happened to trigger the load).
        // A missing folder or file is left to the generator, which names it.
        if (Directory.Exists(directory) &&
            EmbeddingGemmaServiceOptionsValidator.CheckPrompt(Options, _settingPrefix, directory, DescribeFolder(directory)) is { } failure)
        {
            throw new OptionsValidationException(_optionsName, typeof(EmbeddingGemmaServiceOptions), [failure]);
        }

        EmbeddingGemmaGenerator generator;
        try
        {
            generator = await Task.Run(() => new EmbeddingGemmaGenerator(directory, generatorOptions), cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            // The directory is ours, so an argument the generator refuses is one of the settings.
            throw new OptionsValidationException(_optionsName, typeof(EmbeddingGemmaServiceOptions),
                [$"{_settingPrefix.TrimEnd(':')} settings do not fit the model at {DescribeFolder(directory)}: {EmbeddingGemmaErrorText.Describe(ex)}"]);
        }

        ModelDirectory = directory;
        EmbeddingGemmaLog.Loaded(_logger, generator.ModelId, generator.EmbeddingDimensions, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return generator;
    }

    /// <summary>Where the folder came from, for messages: the setting or the Hub repository, and the folder.</summary>
    private string DescribeFolder(string directory) =>
        Options.ModelLocator is not null ? $"'{directory}' (from {_settingPrefix}ModelLocator)"
        : Options.UsesHub ? $"'{directory}' ({_settingPrefix}HubRepository {Options.EffectiveHubRepository})"
        : $"{_settingPrefix}ModelPath '{Options.ModelPath}'";

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
