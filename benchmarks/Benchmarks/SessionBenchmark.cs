using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SkEmbeddingGemma.Onnx;

namespace SkEmbeddingGemma.Benchmarks;

/// <summary>
/// Raw ONNX Runtime sessions on one fixed 8×128 batch: throughput per thread count (0 = ONNX Runtime's own default),
/// the time per operator type from ONNX Runtime's profiler, and session creation from the original graph vs a copy
/// saved after ONNX Runtime's optimizations (the "optimized model cache" question).
/// </summary>
internal static class SessionBenchmark
{
    private const int Rows = 8, Columns = 128, Runs = 5;

    public static void Run(string model)
    {
        string graph = Path.Combine(model, "onnx", "model.onnx");
        // What the generator would use; 0 asks ONNX Runtime for its own choice.
        int generatorThreads = DefaultThreadCount.ForThisProcess() ?? 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generator default threads: {(generatorThreads == 0 ? "ONNX Runtime's" : generatorThreads)}"));
        foreach (int threads in new[] { 0, 1, 2, Environment.ProcessorCount + 1 }.Distinct())
        {
            using SessionOptions options = Options(threads);
            using var session = new InferenceSession(graph, options);
            double seconds = MedianRunSeconds(session, out TimeSpan cpu);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"threads {(threads == 0 ? "0 (ONNX Runtime default)" : threads)}: {Rows * Columns / seconds:F0} tokens/s, process CPU / wall {cpu.TotalSeconds / (seconds * Runs):F2}"));
        }

        Profile(graph, generatorThreads);
        CompareOptimizedCopy(graph, generatorThreads);
    }

    private static void Profile(string graph, int threads)
    {
        string prefix = Path.Combine(Path.GetTempPath(), "skeg-profile");
        using SessionOptions options = Options(threads);
        options.EnableProfiling = true;
        options.ProfileOutputPathPrefix = prefix;
        using var session = new InferenceSession(graph, options);
        _ = MedianRunSeconds(session, out _);
        string file = session.EndProfiling();
        using JsonDocument trace = JsonDocument.Parse(File.ReadAllBytes(file));
        File.Delete(file);
        var byOperator = new Dictionary<string, double>(StringComparer.Ordinal);
        var matMulByInput = new Dictionary<string, (double Micros, int Count)>(StringComparer.Ordinal);
        foreach (JsonElement e in trace.RootElement.EnumerateArray())
        {
            if (e.GetProperty("cat").GetString() == "Node" && e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal))
            {
                JsonElement args = e.GetProperty("args");
                string op = args.GetProperty("op_name").GetString()!;
                double micros = e.GetProperty("dur").GetDouble();
                byOperator[op] = byOperator.GetValueOrDefault(op) + micros;
                if (op == "MatMul")
                {
                    string input = args.GetProperty("input_type_shape").GetRawText();
                    (double sum, int count) = matMulByInput.GetValueOrDefault(input);
                    matMulByInput[input] = (sum + micros, count + 1);
                }
            }
        }

        double total = byOperator.Values.Sum();
        Console.WriteLine("time per operator type (all runs, default threads):");
        foreach ((string op, double micros) in byOperator.OrderByDescending(kv => kv.Value).Take(10))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {op,-30} {micros / total * 100,5:F1} %"));
        }

        // The profile spans the warm-up run too: Runs + 1 runs.
        Console.WriteLine("MatMul time per run by input shape (the weight's width is not in the trace):");
        foreach ((string input, (double micros, int count)) in matMulByInput.OrderByDescending(kv => kv.Value.Micros))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {input,-70} {micros / 1000 / (Runs + 1),8:F1} ms in {count / (Runs + 1)} nodes"));
        }
    }

    private static void CompareOptimizedCopy(string graph, int threads)
    {
        string folder = Directory.CreateTempSubdirectory("skeg-optimized-").FullName;
        try
        {
            string copy = Path.Combine(folder, "model.onnx");
            using (SessionOptions save = Options(0))
            {
                // Extended, not All: All adds layout changes tied to this CPU, which a cache must not carry.
                save.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED;
                save.OptimizedModelFilePath = copy;
                save.AddSessionConfigEntry("session.optimized_model_external_initializers_file_name", "model.onnx_data");
                save.AddSessionConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
                using var saving = new InferenceSession(graph, save);
            }

            for (int round = 0; round < 2; round++)
            {
                foreach ((string name, string path) in new[] { ("original graph", graph), ("optimized copy", copy) })
                {
                    using SessionOptions options = Options(threads);
                    var watch = Stopwatch.StartNew();
                    using var session = new InferenceSession(path, options);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"session creation, {name}: {watch.Elapsed.TotalSeconds:F2} s"));
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static SessionOptions Options(int threads) =>
        new() { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads };

    private static double MedianRunSeconds(InferenceSession session, out TimeSpan cpu)
    {
        var random = new Random(1);
        long[] ids = Enumerable.Range(0, Rows * Columns).Select(_ => (long)random.Next(3, 200_000)).ToArray();
        long[] mask = Enumerable.Repeat(1L, Rows * Columns).ToArray();
        using OrtValue idsValue = OrtValue.CreateTensorValueFromMemory(ids, [Rows, Columns]);
        using OrtValue maskValue = OrtValue.CreateTensorValueFromMemory(mask, [Rows, Columns]);
        using var runOptions = new RunOptions();
        void RunOnce() => session.Run(runOptions, ["input_ids", "attention_mask"], [idsValue, maskValue], ["sentence_embedding"]).Dispose();

        RunOnce();
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        var times = new List<double>();
        for (int i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            RunOnce();
            times.Add(watch.Elapsed.TotalSeconds);
        }

        process.Refresh();
        cpu = process.TotalProcessorTime - cpuBefore;
        return times.Order().ElementAt(Runs / 2);
    }
}
