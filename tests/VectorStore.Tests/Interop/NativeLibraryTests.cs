using System.Diagnostics;
using System.Reflection;
using System.Runtime.Intrinsics.X86;
using SkEmbeddingGemma.VectorData.Faiss.Interop;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>
/// The native libraries as shipped: which variant the resolver picks, that every variant searches alike, and that
/// they need nothing beyond glibc and the libgomp.so.1 beside them (so they run on a bare Debian 12).
/// </summary>
public sealed class NativeLibraryTests
{
    private static readonly string OutputDirectory = AppContext.BaseDirectory;

    private static readonly string[] AllowedNeeded =
        ["libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "ld-linux-x86-64.so.2", "libgomp.so.1"];

    /// <summary>Gets whether VectorStore.csproj built libskfaiss_avx2.so (it records this in the assembly).</summary>
    private static bool Avx2VariantBuilt => typeof(FaissIndex).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SkFaissAvx2Variant").Value == "true";

    [Fact]
    public void Resolver_loads_the_avx2_variant_exactly_when_the_cpu_has_avx2_and_it_was_built()
    {
        Assert.Equal(new Version(1, 7, 3), FaissIndex.NativeVersion);
        Assert.Equal(Avx2VariantBuilt, File.Exists(Path.Combine(OutputDirectory, FaissLibraryResolver.Avx2FileName)));
        string? overridePath = Environment.GetEnvironmentVariable(FaissLibraryResolver.OverrideVariable);
        string expected = !string.IsNullOrEmpty(overridePath) ? Path.GetFileName(overridePath)
            : Avx2.IsSupported && Avx2VariantBuilt ? FaissLibraryResolver.Avx2FileName : FaissLibraryResolver.GenericFileName;
        Assert.Equal(expected, Path.GetFileName(FaissLibraryResolver.LoadedFrom));
    }

    [Fact]
    public void Candidates_put_avx2_first_only_on_avx2_cpus_and_the_override_before_all()
    {
        string[] folders = ["/a", "/b"];
        Assert.Equal(
            ["/a/libskfaiss_avx2.so", "/a/runtimes/linux-x64/native/libskfaiss_avx2.so",
             "/b/libskfaiss_avx2.so", "/b/runtimes/linux-x64/native/libskfaiss_avx2.so",
             "/a/libskfaiss.so", "/a/runtimes/linux-x64/native/libskfaiss.so",
             "/b/libskfaiss.so", "/b/runtimes/linux-x64/native/libskfaiss.so"],
            FaissLibraryResolver.Candidates(null, avx2Supported: true, folders));
        Assert.Equal(
            ["/x/mine.so", "/a/libskfaiss.so", "/a/runtimes/linux-x64/native/libskfaiss.so"],
            FaissLibraryResolver.Candidates("/x/mine.so", avx2Supported: false, ["/a", null, ""]));
    }

    [Theory]
    [InlineData("IDMap,Flat")]
    [InlineData("IDMap,SQ8")]
    public void Every_shipped_variant_returns_the_same_neighbours_as_the_loaded_one(string description)
    {
        const int d = 128, n = 5000, nq = 40, k = 10;
        var random = new Random(11);
        float[] data = [.. Enumerable.Range(0, n).SelectMany(_ => TestVectors.Random(random, d, normalize: true))];
        float[] queries = [.. Enumerable.Range(0, nq).SelectMany(_ => TestVectors.Random(random, d, normalize: true))];
        long[] ids = [.. Enumerable.Range(0, n).Select(i => 10L * i)];

        using FaissIndex loaded = FaissIndex.Create(d, description, innerProduct: true);
        if (!loaded.IsTrained)
        {
            loaded.Train(data);
        }

        loaded.Add(data, ids);
        var distances = new float[nq * k];
        var labels = new long[nq * k];
        loaded.Search(queries, k, distances, labels);

        string[] variants = ShippedVariants();
        Assert.Equal(Avx2VariantBuilt ? 2 : 1, variants.Length);
        foreach (string variant in variants)
        {
            (float[] variantDistances, long[] variantLabels) = new ShimLibrary(variant).BuildAndSearch(description, d, data, ids, queries, k);
            Assert.Equal(labels, variantLabels);
            for (int i = 0; i < distances.Length; i++)
            {
                // AVX2 and SSE sum in a different order: the last float bits may differ, the ranking may not.
                Assert.Equal(distances[i], variantDistances[i], 1e-4f);
            }
        }
    }

    [Fact]
    public void Shipped_libraries_need_only_glibc_and_the_libgomp_beside_them()
    {
        Assert.True(File.Exists(Path.Combine(OutputDirectory, "libgomp.so.1")), "libgomp.so.1 must ship beside libskfaiss.so");
        foreach (string library in ShippedVariants())
        {
            string dynamic = ReadElfDynamicSection(library);
            string[] needed = [.. Tagged(dynamic, "NEEDED")];
            Assert.Contains("libgomp.so.1", needed);
            Assert.All(needed, name => Assert.Contains(name, AllowedNeeded));
            Assert.Equal(["$ORIGIN"], Tagged(dynamic, "RUNPATH"));
        }

        string[] gompNeeded = [.. Tagged(ReadElfDynamicSection(Path.Combine(OutputDirectory, "libgomp.so.1")), "NEEDED")];
        Assert.All(gompNeeded, name => Assert.Contains(name, AllowedNeeded));
    }

    private static string[] ShippedVariants() =>
        [.. new[] { FaissLibraryResolver.GenericFileName, FaissLibraryResolver.Avx2FileName }
            .Select(name => Path.Combine(OutputDirectory, name)).Where(File.Exists)];

    /// <summary>Runs binutils' <c>readelf -d</c> (installed with g++, which the native build needs anyway).</summary>
    private static string ReadElfDynamicSection(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("readelf", ["-d", "-W", path]) { RedirectStandardOutput = true })!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    /// <summary>The bracketed values of one tag, e.g. <c>(NEEDED) Shared library: [libc.so.6]</c>.</summary>
    private static IEnumerable<string> Tagged(string dynamicSection, string tag) =>
        dynamicSection.Split('\n')
            .Where(line => line.Contains($"({tag})", StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf('[', StringComparison.Ordinal) + 1)..line.LastIndexOf(']')]);
}
