using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SkEmbeddingGemma;

/// <summary>Loads, while the host starts, every registered model whose options ask for <see cref="EmbeddingGemmaServiceOptions.EagerLoad"/>.</summary>
/// <remarks>A failed load fails the start, with the loader's exception.</remarks>
internal sealed class EmbeddingGemmaWarmupService(IServiceProvider services, IEnumerable<EmbeddingGemmaRegistration> registrations) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (EmbeddingGemmaRegistration registration in registrations.Distinct())
        {
            EmbeddingGemmaModel model = services.GetRequiredKeyedService<EmbeddingGemmaModel>(registration.ServiceKey);
            if (model.Options.EagerLoad)
            {
                _ = await model.GetGeneratorAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
