using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace SkEmbeddingGemma.VectorData.Faiss.Interop;

/// <summary>
/// Finds <c>libskfaiss.so</c> for <see cref="FaissNative"/>: the <c>SKFAISS_LIBRARY</c> environment variable, then the
/// AVX2 build (<c>libskfaiss_avx2.so</c>, when the CPU has AVX2 and the file exists) and the generic build, next to
/// the assembly, in its <c>runtimes/linux-x64/native/</c> folder, and in the application's base directory.
/// ProjectReference consumers and plain <c>dotnet run</c> need this because they don't read the deps.json native assets.
/// </summary>
internal static class FaissLibraryResolver
{
    internal const string GenericFileName = "libskfaiss.so";
    internal const string Avx2FileName = "libskfaiss_avx2.so";
    internal const string OverrideVariable = "SKFAISS_LIBRARY";

    private static int s_registered;

    /// <summary>Gets the path the native library was loaded from, once the first P/Invoke has run.</summary>
    internal static string? LoadedFrom { get; private set; }

    internal static void Register(Assembly assembly)
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(assembly, Resolve);
        }
    }

    /// <summary>
    /// The paths tried, best first: <paramref name="overridePath"/>, then (only when <paramref name="avx2Supported"/>)
    /// the AVX2 variant in every directory, then the generic one. Separate from <see cref="Avx2.IsSupported"/> and the
    /// environment so the order can be tested for both kinds of CPU.
    /// </summary>
    internal static IEnumerable<string> Candidates(string? overridePath, bool avx2Supported, IEnumerable<string?> directories)
    {
        if (!string.IsNullOrEmpty(overridePath))
        {
            yield return overridePath;
        }

        string[] names = avx2Supported ? [Avx2FileName, GenericFileName] : [GenericFileName];
        string[] folders = [.. directories.Where(d => !string.IsNullOrEmpty(d)).Select(d => d!)];
        foreach (string name in names)
        {
            foreach (string directory in folders)
            {
                yield return Path.Combine(directory, name);
                yield return Path.Combine(directory, "runtimes", "linux-x64", "native", name);
            }
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != FaissNative.LibraryName)
        {
            return IntPtr.Zero;
        }

        IEnumerable<string> candidates = Candidates(
            Environment.GetEnvironmentVariable(OverrideVariable),
            Avx2.IsSupported,
            [Path.GetDirectoryName(assembly.Location), AppContext.BaseDirectory]);
        foreach (string candidate in candidates)
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out nint handle))
            {
                LoadedFrom = candidate;
                return handle;
            }
        }

        return IntPtr.Zero;
    }
}
