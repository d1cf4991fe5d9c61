using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace SkEmbeddingGemma.TestSupport;

/// <summary>
/// The test asset cache: <c>SKEG_TEST_ASSETS</c> or <c>&lt;repo root&gt;/.test-assets</c> (git-ignored).
/// Entries are built in a temporary folder and renamed into place, so concurrent test processes never see half an entry.
/// </summary>
public static class TestAssets
{
    private static readonly Lazy<string> s_cacheDirectory = new(ResolveCacheDirectory);
    private static readonly Lazy<string> s_repositoryRoot = new(FindRepositoryRoot);

    /// <summary>Gets the cache folder, created on first use.</summary>
    public static string CacheDirectory => s_cacheDirectory.Value;

    /// <summary>Gets the repository root: the nearest ancestor of the test binaries holding <c>SkEmbeddingGemma.sln</c>.</summary>
    public static string RepositoryRoot => s_repositoryRoot.Value;

    /// <summary>
    /// Returns <c>&lt;cache&gt;/<paramref name="name"/></c>, creating it with <paramref name="populate"/> (given an empty
    /// temporary folder) when missing. Racing processes each build a copy; the first rename wins, the others are discarded.
    /// </summary>
    public static string GetOrCreateDirectory(string name, Action<string> populate)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(populate);
        string final = Path.Combine(CacheDirectory, name);
        if (Directory.Exists(final))
        {
            return final;
        }

        string temporary = Path.Combine(CacheDirectory, $".tmp-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temporary);
        try
        {
            populate(temporary);
            Directory.Move(temporary, final);
        }
        catch (IOException) when (Directory.Exists(final))
        {
            // Another process finished first; its copy is as good as ours.
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }

        return final;
    }

    /// <summary>Writes a file atomically: to a temporary name next to it, then renamed over <paramref name="path"/>.</summary>
    public static void WriteFileAtomically(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (FileStream stream = File.Create(temporary))
            {
                write(stream);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Runs a program and returns its standard output; throws with its standard error when it fails.</summary>
    /// <exception cref="InvalidOperationException">The program is missing or exits with a non-zero code.</exception>
    public static async Task<string> RunProcessAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null, string? missingHint = null)
    {
        var startInfo = new ProcessStartInfo(ResolveExecutable(fileName))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start '{fileName}'.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"'{fileName}' was not found on PATH. {missingHint}".TrimEnd(), ex);
        }

        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"'{fileName} {string.Join(' ', startInfo.ArgumentList)}' exited with code {process.ExitCode}:\n{await error}\n{await output}");
            }

            return await output;
        }
    }

    private static string ResolveExecutable(string fileName) =>
        OperatingSystem.IsWindows() && fileName is "npm" or "npx" ? fileName + ".cmd" : fileName;

    private static string ResolveCacheDirectory()
    {
        string? configured = Environment.GetEnvironmentVariable("SKEG_TEST_ASSETS");
        string directory = string.IsNullOrWhiteSpace(configured) ? Path.Combine(RepositoryRoot, ".test-assets") : Path.GetFullPath(configured);
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SkEmbeddingGemma.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SkEmbeddingGemma.sln above '{AppContext.BaseDirectory}'; set SKEG_TEST_ASSETS to choose a cache folder.");
    }
}
