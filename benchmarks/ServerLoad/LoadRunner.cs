using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SkEmbeddingGemma.Benchmarks.ServerLoad;

/// <summary>
/// Closed-loop clients over HTTP: each of N clients sends one OpenAI <c>/v1/embeddings</c> request (one input, the
/// OpenAI client's default base64 encoding), waits for the answer, and sends the next, until the time or request
/// budget is spent. Every client sends at least one request, so a level always ends, and the time counted runs until
/// the last answer (the drain included).
/// </summary>
internal static class LoadRunner
{
    /// <summary>What one level measured.</summary>
    internal sealed record Result(int Clients, int Requests, int Failures, long Tokens, double Seconds, double[] LatenciesMs, string? FirstFailure)
    {
        public double InputsPerSecond => Requests / Seconds;

        public double TokensPerSecond => Tokens / Seconds;

        public double Percentile(double q)
        {
            if (LatenciesMs.Length == 0)
            {
                return double.NaN;
            }

            double[] sorted = [.. LatenciesMs.Order()];
            return sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1)];
        }
    }

    public static async Task<Result> RunAsync(HttpClient http, Uri baseAddress, Workload workload, int clients, TimeSpan duration, int? maxRequests, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(baseAddress, "/v1/embeddings");
        byte[][] bodies = [.. workload.Inputs.Select(input => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["model"] = workload.ModelId,
            ["input"] = input,
            ["encoding_format"] = "base64",
        }))];
        int next = -1, failures = 0;
        long tokens = 0;
        string? firstFailure = null;
        var latencies = new List<double>[clients];
        var watch = Stopwatch.StartNew();

        async Task Client(int client)
        {
            var mine = latencies[client] = [];
            while (!cancellationToken.IsCancellationRequested)
            {
                int index = Interlocked.Increment(ref next);
                bool spent = maxRequests is int most ? index >= most : watch.Elapsed >= duration;
                if (mine.Count > 0 && spent)
                {
                    return;
                }

                int input = index % bodies.Length;
                long start = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(bodies[input]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                HttpResponseMessage response;
                string text;
                try
                {
                    response = await http.PostAsync(endpoint, content, cancellationToken);
                    text = await response.Content.ReadAsStringAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // A request past the client's timeout, or a connection that failed, is a failure of this level, not the end of the run.
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, $"after {Stopwatch.GetElapsedTime(start).TotalSeconds:F0} s: {ex.GetType().Name}: {ex.Message}", null);
                    mine.Add(double.NaN);
                    continue;
                }

                using HttpResponseMessage answered = response;
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (response.IsSuccessStatusCode && text.Contains("\"embedding\"", StringComparison.Ordinal))
                {
                    mine.Add(ms);
                    Interlocked.Add(ref tokens, workload.Tokens[input]);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, $"{(int)response.StatusCode}: {text}", null);
                    mine.Add(double.NaN);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => Client(c), cancellationToken)));
        double seconds = watch.Elapsed.TotalSeconds;
        double[] ok = [.. latencies.SelectMany(l => l).Where(ms => !double.IsNaN(ms))];
        return new Result(clients, ok.Length, failures, tokens, seconds, ok, firstFailure);
    }

    /// <summary>A compact description of a failure body for the report.</summary>
    public static string Short(string text) => text.Length <= 200 ? text : new StringBuilder(text, 0, 200, 203).Append("...").ToString();
}
