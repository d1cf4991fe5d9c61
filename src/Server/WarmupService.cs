using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// Loads the model after the host starts (the port is open and <c>/health/live</c> answers meanwhile) and runs it once
/// on a full batch of real-length inputs, so ONNX Runtime has planned its memory before <c>/health/ready</c> says yes.
/// A failed warm-up leaves the server live but not ready, and requests answer 503 naming the cause.
/// </summary>
internal sealed class WarmupService(ServerState state, IHostApplicationLifetime lifetime, ILogger<WarmupService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _warmup = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            state.MarkStopping();
            ServerLog.Stopping(logger);
        });
        _warmup = Task.Run(() => WarmUpAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _warmup.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            EmbeddingGemmaGenerator generator = await state.Model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false);
            if (state.Options.Warmup)
            {
                long started = Stopwatch.GetTimestamp();
                int tokens = Math.Min(state.Options.WarmupTokens, generator.MaxTokens);
                int inputs = state.Model.Options.MaxBatchSize ?? new EmbeddingGemmaGeneratorOptions().MaxBatchSize;

                // One word is one token with Gemma's tokenizer; the framing and the prompt take their share, and any
                // excess is truncated: the run has the model's full length either way.
                string text = string.Join(' ', Enumerable.Repeat("warm", Math.Max(1, tokens - 24)));
                _ = await generator.GenerateAsync(Enumerable.Repeat(text, inputs), null, cancellationToken).ConfigureAwait(false);

                // The app's pipeline keys every call on the model's content identity, a hash of its files computed once:
                // computed here, so the first client request does not pay for reading the weights.
                _ = await Task.Run(() => generator.GetService(typeof(Microsoft.Extensions.AI.EmbeddingGeneratorMetadata)), cancellationToken).ConfigureAwait(false);
                ServerLog.WarmedUp(logger, inputs, tokens, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            // Readiness then follows the model: a later request that loads it makes the server ready.
            ServerLog.WarmupFailed(logger, EmbeddingGemmaErrorText.Describe(ex));
        }

        state.MarkWarmedUp();
    }

    public void Dispose() => _stopping.Dispose();
}
