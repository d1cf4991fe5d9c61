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
    private static int s_registered;

    internal static string? LoadedFrom { get; private set; }

    internal static void Register(Assembly assembly)
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(assembly, Resolve);
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != FaissNative.LibraryName)
        {
            return IntPtr.Zero;
        }

        foreach (string candidate in Candidates(assembly))
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out nint handle))
            {
                LoadedFrom = candidate;
                return handle;
            }
        }

        return IntPtr.Zero;
    }

    private static IEnumerable<string> Candidates(Assembly assembly)
    {
        string? overridePath = Environment.GetEnvironmentVariable("SKFAISS_LIBRARY");
        if (!string.IsNullOrEmpty(overridePath))
        {
            yield return overridePath;
        }

        string?[] directories = [Path.GetDirectoryName(assembly.Location), AppContext.BaseDirectory];
        string[] names = Avx2.IsSupported ? ["libskfaiss_avx2.so", "libskfaiss.so"] : ["libskfaiss.so"];
        foreach (string name in names)
        {
            foreach (string? directory in directories)
            {
                if (!string.IsNullOrEmpty(directory))
                {
                    yield return Path.Combine(directory, name);
                    yield return Path.Combine(directory, "runtimes", "linux-x64", "native", name);
                }
            }
        }
    }
}
