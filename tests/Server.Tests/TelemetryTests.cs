using System.Diagnostics;
using System.Diagnostics.Metrics;
using SkEmbeddingGemma.AspNetCore.Tests.Support;

namespace SkEmbeddingGemma.AspNetCore.Tests;

/// <summary>OpenTelemetry: spans per request and per model batch, and metrics, seen by plain listeners (no SDK needed).</summary>
[Collection(TelemetryTests.Alone)]
public sealed class TelemetryTests
{
    public const string Alone = "Telemetry (listeners are process-wide: no other test runs meanwhile)";

    // Listeners are process-wide: alone, so no other test's requests are counted.
    [Fact]
    public async Task Requests_and_batches_are_traced_and_metered_for_OpenTelemetry()
    {
        var activities = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EmbeddingGemmaServerTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var measurements = new System.Collections.Concurrent.ConcurrentBag<(string Instrument, long Value, string? Route)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == EmbeddingGemmaServerTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Add((instrument.Name, value, tags.ToArray().FirstOrDefault(t => t.Key == "route").Value as string)));
        meters.Start();
        await using TestServer server = await TestServer.StartAsync(TestServer.TinySettings());

        await Json.PostOkAsync(server.Http, "/embed", new { inputs = new[] { "traced one", "traced two" } });

        Activity request = Assert.Single(activities, a => a.OperationName == "embeddinggemma.request" && (string?)a.GetTagItem("embeddinggemma.route") == "tei_embed");
        Assert.Equal(2, request.GetTagItem("embeddinggemma.inputs"));
        Assert.Equal(200, request.GetTagItem("http.response.status_code"));
        Assert.Contains(activities, a => a.OperationName == "embeddinggemma.batch" && (int?)a.GetTagItem("embeddinggemma.batch.size") == 2 && a.ParentSpanId == request.SpanId);
        Assert.Contains(measurements, m => m.Instrument == "embeddinggemma.server.requests" && m.Route == "tei_embed" && m.Value == 1);
        Assert.Contains(measurements, m => m.Instrument == "embeddinggemma.server.tokens" && m.Route == "tei_embed" && m.Value > 0);
    }

}
