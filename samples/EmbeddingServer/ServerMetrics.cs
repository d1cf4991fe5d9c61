using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace SkEmbeddingGemma.Samples.EmbeddingServer;

/// <summary>Request counters, served as Prometheus text at <c>GET /metrics</c>. Thread-safe.</summary>
internal sealed class ServerMetrics
{
    private readonly ConcurrentDictionary<(string Endpoint, int Status), long> _requests = new();
    private readonly ConcurrentDictionary<string, long> _inputs = new();
    private readonly ConcurrentDictionary<string, long> _tokens = new();
    private readonly ConcurrentDictionary<string, double> _seconds = new();

    public void Record(string endpoint, int status, int inputs, long tokens, TimeSpan elapsed)
    {
        _requests.AddOrUpdate((endpoint, status), 1, (_, n) => n + 1);
        _inputs.AddOrUpdate(endpoint, inputs, (_, n) => n + inputs);
        _tokens.AddOrUpdate(endpoint, tokens, (_, n) => n + tokens);
        _seconds.AddOrUpdate(endpoint, elapsed.TotalSeconds, (_, s) => s + elapsed.TotalSeconds);
    }

    public string ToPrometheusText(EmbeddingGemmaModel model)
    {
        var text = new StringBuilder();
        text.AppendLine("# HELP embeddinggemma_requests_total Requests answered, by endpoint and status code.");
        text.AppendLine("# TYPE embeddinggemma_requests_total counter");
        foreach (var ((endpoint, status), count) in _requests.OrderBy(p => p.Key.Endpoint).ThenBy(p => p.Key.Status))
        {
            text.Append(CultureInfo.InvariantCulture, $"embeddinggemma_requests_total{{endpoint=\"{endpoint}\",status=\"{status}\"}} {count}\n");
        }

        Counter(text, "embeddinggemma_inputs_total", "Inputs embedded or tokenized, by endpoint.", _inputs);
        Counter(text, "embeddinggemma_tokens_total", "Input tokens processed, by endpoint.", _tokens);
        text.AppendLine("# HELP embeddinggemma_request_seconds_total Time spent answering requests, by endpoint.");
        text.AppendLine("# TYPE embeddinggemma_request_seconds_total counter");
        foreach (var (endpoint, seconds) in _seconds.OrderBy(p => p.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"embeddinggemma_request_seconds_total{{endpoint=\"{endpoint}\"}} {seconds:F6}\n");
        }

        text.AppendLine("# HELP embeddinggemma_model_loaded Whether the model is loaded (1) or not (0).");
        text.AppendLine("# TYPE embeddinggemma_model_loaded gauge");
        text.Append(CultureInfo.InvariantCulture, $"embeddinggemma_model_loaded {(model.Status == EmbeddingGemmaModelStatus.Loaded ? 1 : 0)}\n");
        return text.ToString();
    }

    private static void Counter(StringBuilder text, string name, string help, ConcurrentDictionary<string, long> values)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n");
        foreach (var (endpoint, value) in values.OrderBy(p => p.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{endpoint=\"{endpoint}\"}} {value}\n");
        }
    }
}
