using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// The server's measurements, kept twice: as Prometheus text for <c>GET /metrics</c> (TEI's metric names where TEI has
/// one: <c>te_request_count</c>, <c>te_request_success</c>, <c>te_request_failure</c>, <c>te_request_duration</c>,
/// <c>te_request_queue_duration</c>, <c>te_request_inference_duration</c>, <c>te_request_input_length</c>, <c>te_batch_next_size</c>, <c>te_batch_next_tokens</c>,
/// <c>te_batch_inference_duration</c>, <c>te_queue_size</c>), and as OpenTelemetry instruments on the
/// <see cref="EmbeddingGemmaServerTelemetry.Name"/> meter. Thread-safe.
/// </summary>
internal sealed class ServerMetrics : IDisposable
{
    private readonly ConcurrentDictionary<(string Endpoint, int Status), long> _requests = new();
    private readonly ConcurrentDictionary<string, long> _byMethod = new();
    private readonly ConcurrentDictionary<string, long> _success = new();
    private readonly ConcurrentDictionary<string, long> _failures = new();
    private readonly ConcurrentDictionary<string, long> _tokens = new();
    private readonly PrometheusHistogram _duration = new("te_request_duration", "Request duration in seconds.", PrometheusHistogram.DurationBounds);
    private readonly PrometheusHistogram _queueDuration = new("te_request_queue_duration", "Seconds a request waited for its model batch (micro-batching window, earlier batches).", PrometheusHistogram.DurationBounds);
    private readonly PrometheusHistogram _inferenceDuration = new("te_request_inference_duration", "Seconds of the model batch that embedded a request.", PrometheusHistogram.DurationBounds);
    private readonly PrometheusHistogram _inputLength = new("te_request_input_length", "Tokens per input.", PrometheusHistogram.PowersOfTwo(14));
    private readonly PrometheusHistogram _batchSize = new("te_batch_next_size", "Inputs per model batch (merged requests).", PrometheusHistogram.PowersOfTwo(12));
    private readonly PrometheusHistogram _batchTokens = new("te_batch_next_tokens", "Tokens per model batch.", PrometheusHistogram.PowersOfTwo(20));
    private readonly PrometheusHistogram _batchDuration = new("te_batch_inference_duration", "Model batch duration in seconds.", PrometheusHistogram.DurationBounds);
    private readonly Meter _meter = new(EmbeddingGemmaServerTelemetry.Name);
    private readonly Counter<long> _requestCounter;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _tokenCounter;
    private readonly Histogram<int> _batchSizeInstrument;
    private readonly Histogram<double> _batchDurationInstrument;
    private long _inFlight;

    public ServerMetrics()
    {
        _requestCounter = _meter.CreateCounter<long>("embeddinggemma.server.requests", "{request}", "Requests answered, by route and status code.");
        _requestDuration = _meter.CreateHistogram<double>("embeddinggemma.server.request.duration", "s", "Request duration.");
        _tokenCounter = _meter.CreateCounter<long>("embeddinggemma.server.tokens", "{token}", "Input tokens embedded or tokenized, by route.");
        _batchSizeInstrument = _meter.CreateHistogram<int>("embeddinggemma.server.batch.size", "{input}", "Inputs per model batch after merging requests.");
        _batchDurationInstrument = _meter.CreateHistogram<double>("embeddinggemma.server.batch.duration", "s", "Model batch duration.");
        _meter.CreateObservableUpDownCounter("embeddinggemma.server.requests.active", () => Volatile.Read(ref _inFlight), "{request}", "Requests being served.");
    }

    /// <summary>Gets the activity source of request and batch spans.</summary>
    public static ActivitySource Source { get; } = new(EmbeddingGemmaServerTelemetry.Name);

    public long InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts a request in, unless <paramref name="limit"/> are already in: the caller answers 429 then.</summary>
    public bool TryEnter(int limit)
    {
        if (Interlocked.Increment(ref _inFlight) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    public void RecordRequest(string endpoint, int status, int inputs, long tokens, TimeSpan elapsed)
    {
        _requests.AddOrUpdate((endpoint, status), 1, (_, n) => n + 1);
        string method = inputs > 1 ? "batch" : "single";
        _byMethod.AddOrUpdate(method, 1, (_, n) => n + 1);
        if (status < 400)
        {
            _success.AddOrUpdate(method, 1, (_, n) => n + 1);
        }
        else
        {
            string error = status switch { 429 => "overloaded", 503 => "unhealthy", >= 500 => "backend", _ => "validation" };
            _failures.AddOrUpdate(error, 1, (_, n) => n + 1);
        }

        _tokens.AddOrUpdate(endpoint, tokens, (_, n) => n + tokens);
        _duration.Record(elapsed.TotalSeconds);
        var tags = new TagList { { "route", endpoint }, { "status", status } };
        _requestCounter.Add(1, tags);
        _requestDuration.Record(elapsed.TotalSeconds, tags);
        _tokenCounter.Add(tokens, new KeyValuePair<string, object?>("route", endpoint));
    }

    public void RecordInputLength(int tokens) => _inputLength.Record(tokens);

    public void RecordQueueAndInference(double queueSeconds, double inferenceSeconds)
    {
        _queueDuration.Record(queueSeconds);
        _inferenceDuration.Record(inferenceSeconds);
    }

    public void RecordBatch(int inputs, long tokens, TimeSpan elapsed)
    {
        _batchSize.Record(inputs);
        _batchTokens.Record(tokens);
        _batchDuration.Record(elapsed.TotalSeconds);
        _batchSizeInstrument.Record(inputs);
        _batchDurationInstrument.Record(elapsed.TotalSeconds);
    }

    public string ToPrometheusText(EmbeddingGemmaModel model)
    {
        var text = new StringBuilder();
        Counter(text, "te_request_count", "Requests received, by method (single or batch).", "method", _byMethod);
        Counter(text, "te_request_success", "Requests answered with success, by method.", "method", _success);
        Counter(text, "te_request_failure", "Requests refused or failed, by error kind.", "err", _failures);
        _duration.Write(text);
        _queueDuration.Write(text);
        _inferenceDuration.Write(text);
        _inputLength.Write(text);
        _batchSize.Write(text);
        _batchTokens.Write(text);
        _batchDuration.Write(text);
        text.Append(CultureInfo.InvariantCulture, $"# HELP te_queue_size Requests being served.\n# TYPE te_queue_size gauge\nte_queue_size {InFlight}\n");
        text.AppendLine("# HELP embeddinggemma_requests_total Requests answered, by endpoint and status code.");
        text.AppendLine("# TYPE embeddinggemma_requests_total counter");
        foreach (var ((endpoint, status), count) in _requests.OrderBy(p => p.Key.Endpoint, StringComparer.Ordinal).ThenBy(p => p.Key.Status))
        {
            text.Append(CultureInfo.InvariantCulture, $"embeddinggemma_requests_total{{endpoint=\"{endpoint}\",status=\"{status}\"}} {count}\n");
        }

        Counter(text, "embeddinggemma_tokens_total", "Input tokens processed, by endpoint.", "endpoint", _tokens);
        text.AppendLine("# HELP embeddinggemma_model_loaded Whether the model is loaded (1) or not (0).");
        text.AppendLine("# TYPE embeddinggemma_model_loaded gauge");
        text.Append(CultureInfo.InvariantCulture, $"embeddinggemma_model_loaded {(model.Status == EmbeddingGemmaModelStatus.Loaded ? 1 : 0)}\n");

        // Memory, split so a growing process can be read: the resident set (Prometheus' standard process metric) against
        // what the .NET heap holds; the rest is native, mostly ONNX Runtime's arena and the model's weights.
        using (var process = System.Diagnostics.Process.GetCurrentProcess())
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {process.WorkingSet64}\n");
        }

        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        text.Append(CultureInfo.InvariantCulture, $"# HELP dotnet_gc_heap_size_bytes The .NET heap size after the last collection.\n# TYPE dotnet_gc_heap_size_bytes gauge\ndotnet_gc_heap_size_bytes {gc.HeapSizeBytes}\n");
        text.Append(CultureInfo.InvariantCulture, $"# HELP dotnet_gc_committed_bytes Memory the .NET heap has committed.\n# TYPE dotnet_gc_committed_bytes gauge\ndotnet_gc_committed_bytes {gc.TotalCommittedBytes}\n");
        return text.ToString();
    }

    public void Dispose() => _meter.Dispose();

    private static void Counter(StringBuilder text, string name, string help, string label, ConcurrentDictionary<string, long> values)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n");
        foreach (var (key, value) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{{label}=\"{key}\"}} {value}\n");
        }
    }
}
