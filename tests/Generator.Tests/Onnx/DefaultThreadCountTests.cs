using SkEmbeddingGemma.Onnx;

namespace SkEmbeddingGemma.Tests.Onnx;

public sealed class DefaultThreadCountTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("skeg-sysfs-");

    [Theory]
    [InlineData("0-3,8,10-11", new[] { 0, 1, 2, 3, 8, 10, 11 })]
    [InlineData("5", new[] { 5 })]
    [InlineData(" 0-1\n", new[] { 0, 1 })]
    public void Cpu_lists_expand_ranges_and_singles(string list, int[] expected) =>
        Assert.Equal(expected, DefaultThreadCount.ParseCpuList(list));

    [Theory]
    [InlineData("3-1")]
    [InlineData("a-b")]
    [InlineData("-2")]
    public void Malformed_cpu_lists_are_refused(string list) =>
        Assert.Throws<FormatException>(() => DefaultThreadCount.ParseCpuList(list).ToList());

    [Fact]
    public void Smt_siblings_count_as_one_core()
    {
        // 4 logical CPUs, 2 cores with 2 hyperthreads each.
        string status = Machine("0-3", ("0", "0-1"), ("1", "0-1"), ("2", "2-3"), ("3", "2-3"));

        Assert.Equal(2, DefaultThreadCount.FromSysfs(status, _root.FullName, processorCount: 4));
    }

    [Fact]
    public void Only_the_cpus_in_the_affinity_mask_count()
    {
        string status = Machine("0,2", ("0", "0"), ("1", "1"), ("2", "2"), ("3", "3"));

        Assert.Equal(2, DefaultThreadCount.FromSysfs(status, _root.FullName, processorCount: 4));
    }

    [Fact]
    public void The_cpu_quota_caps_the_count()
    {
        string status = Machine("0-3", ("0", "0"), ("1", "1"), ("2", "2"), ("3", "3"));

        Assert.Equal(3, DefaultThreadCount.FromSysfs(status, _root.FullName, processorCount: 3));
    }

    [Fact]
    public void Offline_cpus_are_skipped_and_older_kernels_use_thread_siblings()
    {
        string status = Machine("0-2", ("0", "0"), ("1", "1"));
        string older = Path.Combine(_root.FullName, "cpu1", "topology");
        File.Move(Path.Combine(older, "core_cpus_list"), Path.Combine(older, "thread_siblings_list"));

        Assert.Equal(2, DefaultThreadCount.FromSysfs(status, _root.FullName, processorCount: 8));
    }

    [Theory]
    [InlineData("Name:\tdotnet\n")]
    [InlineData("Cpus_allowed_list:\t1-0\n")]
    public void Unreadable_information_leaves_the_choice_to_onnx_runtime(string statusText)
    {
        string status = Path.Combine(_root.FullName, "status");
        File.WriteAllText(status, statusText);

        Assert.Null(DefaultThreadCount.FromSysfs(status, _root.FullName, processorCount: 2));
        Assert.Null(DefaultThreadCount.FromSysfs(Path.Combine(_root.FullName, "missing"), _root.FullName, processorCount: 2));
    }

    [Fact]
    public void On_linux_this_machine_gets_one_thread_per_core_of_proc_cpuinfo()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(DefaultThreadCount.ForThisProcess());
            return;
        }

        int cores = File.ReadLines("/proc/cpuinfo")
            .Select(line => line.Split(':', 2, StringSplitOptions.TrimEntries))
            .Where(kv => kv[0] is "physical id" or "core id")
            .Chunk(2)
            .Select(pair => pair[0][1] + "/" + pair[1][1])
            .Distinct()
            .Count();

        Assert.Equal(Math.Min(cores, Environment.ProcessorCount), DefaultThreadCount.ForThisProcess());
    }

    [Fact]
    public void Generator_session_options_use_the_count_unless_the_caller_sets_one()
    {
        using Microsoft.ML.OnnxRuntime.SessionOptions byDefault = EmbeddingGemmaGenerator.CreateSessionOptions(new EmbeddingGemmaGeneratorOptions());
        using Microsoft.ML.OnnxRuntime.SessionOptions chosen = EmbeddingGemmaGenerator.CreateSessionOptions(new EmbeddingGemmaGeneratorOptions { IntraOpNumThreads = 1 });

        Assert.Equal(DefaultThreadCount.ForThisProcess() ?? 0, byDefault.IntraOpNumThreads);
        Assert.Equal(1, chosen.IntraOpNumThreads);
    }

    public void Dispose() => _root.Delete(recursive: true);

    private string Machine(string allowed, params (string Cpu, string Siblings)[] cpus)
    {
        foreach ((string cpu, string siblings) in cpus)
        {
            string topology = Directory.CreateDirectory(Path.Combine(_root.FullName, "cpu" + cpu, "topology")).FullName;
            File.WriteAllText(Path.Combine(topology, "core_cpus_list"), siblings + "\n");
        }

        string status = Path.Combine(_root.FullName, "status");
        File.WriteAllText(status, $"Name:\tdotnet\nCpus_allowed:\tf\nCpus_allowed_list:\t{allowed}\n");
        return status;
    }
}
