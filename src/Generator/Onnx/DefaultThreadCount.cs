using System.Globalization;

namespace SkEmbeddingGemma.Onnx;

/// <summary>The intra-op thread count used when the caller sets none: one per physical core this process may run on.</summary>
/// <remarks>
/// ONNX Runtime means to pick the same, but on Linux, when its core detection fails, it assumes half the logical CPUs are
/// SMT siblings: on a 2-vCPU VM it ran one thread and reached half the throughput (BENCHMARKS.md). Counting the cores
/// ourselves from sysfs makes the default right there; on other systems ONNX Runtime's own count stands.
/// </remarks>
internal static class DefaultThreadCount
{
    /// <summary>The count a session gets: <paramref name="requested"/> when set, else <see cref="ForThisProcess"/>.</summary>
    public static int? Resolve(int? requested) => requested ?? ForThisProcess();

    /// <summary>Physical cores in this process's CPU affinity, capped by its CPU quota; <see langword="null"/> when not known.</summary>
    public static int? ForThisProcess() =>
        OperatingSystem.IsLinux() ? FromSysfs("/proc/self/status", "/sys/devices/system/cpu", Environment.ProcessorCount) : null;

    /// <summary>
    /// Counts the distinct cores (sibling lists) of the CPUs in <paramref name="statusPath"/>'s <c>Cpus_allowed_list</c>,
    /// at most <paramref name="processorCount"/> (.NET's count, which honours cgroup quotas).
    /// </summary>
    internal static int? FromSysfs(string statusPath, string cpuRoot, int processorCount)
    {
        try
        {
            const string Key = "Cpus_allowed_list:";
            string? allowed = File.ReadLines(statusPath).FirstOrDefault(line => line.StartsWith(Key, StringComparison.Ordinal))?[Key.Length..];
            if (allowed is null)
            {
                return null;
            }

            var cores = new HashSet<string>(StringComparer.Ordinal);
            foreach (int cpu in ParseCpuList(allowed))
            {
                // Offline CPUs have no topology folder: they are not ours to run on.
                string topology = Path.Combine(cpuRoot, "cpu" + cpu.ToString(CultureInfo.InvariantCulture), "topology");
                string? siblings = ReadTrimmed(Path.Combine(topology, "core_cpus_list")) ?? ReadTrimmed(Path.Combine(topology, "thread_siblings_list"));
                if (siblings is not null)
                {
                    cores.Add(siblings);
                }
            }

            return cores.Count == 0 ? null : Math.Min(cores.Count, processorCount);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>Expands a kernel CPU list such as <c>0-3,8,10-11</c>.</summary>
    /// <exception cref="FormatException">The list is malformed.</exception>
    internal static IEnumerable<int> ParseCpuList(string list)
    {
        var cpus = new List<int>();
        foreach (string part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            int first = int.Parse(dash < 0 ? part : part[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
            int last = dash < 0 ? first : int.Parse(part[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
            if (last < first)
            {
                throw new FormatException($"CPU range '{part}' runs backwards.");
            }

            for (int cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return cpus;
    }

    private static string? ReadTrimmed(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;
}
