using System.Collections.Concurrent;
using System.Security.Cryptography;
using SkEmbeddingGemma.ModelFactory;

namespace SkEmbeddingGemma.TestSupport;

/// <summary>
/// Random-weight EmbeddingGemma and EmbeddingGemma 2 folders for tests and benchmarks, built once and cached under the
/// test-asset cache. Folder names carry the generator version and a hash of the tokenizer files, so a
/// generator change or another tokenizer builds a new folder. Safe across parallel test processes:
/// each build goes to a temporary folder that is renamed into place when complete.
/// </summary>
public static class TestModels
{
    /// <summary>Seed of every cached model.</summary>
    public const int Seed = 42;

    private static readonly ConcurrentDictionary<string, Lazy<string>> s_built = new(StringComparer.Ordinal);

    /// <summary>
    /// Returns the cached tiny model folder (<see cref="GemmaEncoderConfig.Tiny"/>, float32 graph only, about 68 MB
    /// plus the tokenizer), building it on first use. Tests needing <c>model_fp16.onnx</c> or a broken folder write
    /// their own with <see cref="EmbeddingGemmaModelWriter.Write"/>.
    /// </summary>
    /// <param name="tokenizerDirectory">Folder with the Gemma 3 tokenizer files to copy into the model folder.</param>
    /// <returns>The model folder (<c>onnx/model.onnx</c>, config and tokenizer files).</returns>
    public static string EnsureTinyModel(string tokenizerDirectory) =>
        EnsureTinyModel(tokenizerDirectory, CacheDirectory());

    /// <summary>Like <see cref="EnsureTinyModel(string)"/>, under an explicit cache folder.</summary>
    public static string EnsureTinyModel(string tokenizerDirectory, string cacheDirectory) =>
        Ensure("embeddinggemma-tiny", GemmaEncoderConfig.Tiny, ModelVariants.Float32, tokenizerDirectory, cacheDirectory);

    /// <summary>
    /// Returns the cached tiny EmbeddingGemma 2 folder (<see cref="EmbeddingGemma2Config.Tiny"/>, about 34 MB plus the
    /// tokenizer) with the Gemma-4-style test tokenizer (<see cref="EmbeddingGemma2TestTokenizer"/>, a stand-in built from
    /// Gemma 3's), building it on first use. Tests needing a broken or changed folder write their own with
    /// <see cref="EmbeddingGemma2ModelWriter.Write"/>.
    /// </summary>
    /// <returns>The model folder (<c>onnx/model.onnx</c> + data, config, sentence-transformers and tokenizer files).</returns>
    public static string EnsureTinyEmbeddingGemma2Model() =>
        EnsureEmbeddingGemma2("embeddinggemma2-tiny", EmbeddingGemma2Config.Tiny, EmbeddingGemma2TestTokenizer.Directory, CacheDirectory());

    /// <summary>
    /// Returns the cached full-size EmbeddingGemma 2 folder (<see cref="EmbeddingGemma2Config.Full"/>: the text graph,
    /// the vision encoder at the released tower's sizes and the audio encoder stand-in, whose internals are simpler than
    /// the real towers: see tools/ModelFactory/README.md) with the test tokenizer, building it on first use (a folder
    /// name of an older generator version, text graph only, is not reused). For benchmarks: speed does not depend on
    /// weight values.
    /// </summary>
    /// <returns>The model folder.</returns>
    public static string EnsureFullEmbeddingGemma2Model() =>
        EnsureEmbeddingGemma2("embeddinggemma2-full", EmbeddingGemma2Config.Full, EmbeddingGemma2TestTokenizer.Directory, CacheDirectory());

    /// <summary>
    /// Returns the cached full-size model folder (<see cref="GemmaEncoderConfig.EmbeddingGemma300M"/>, about 1.2 GB),
    /// building it on first use. For benchmarks: speed does not depend on weight values.
    /// </summary>
    /// <param name="tokenizerDirectory">Folder with the Gemma 3 tokenizer files to copy into the model folder.</param>
    /// <returns>The model folder.</returns>
    public static string EnsureFullModel(string tokenizerDirectory) =>
        EnsureFullModel(tokenizerDirectory, CacheDirectory());

    /// <summary>Like <see cref="EnsureFullModel(string)"/>, under an explicit cache folder.</summary>
    public static string EnsureFullModel(string tokenizerDirectory, string cacheDirectory) =>
        Ensure("embeddinggemma-300m", GemmaEncoderConfig.EmbeddingGemma300M, ModelVariants.Float32, tokenizerDirectory, cacheDirectory);

    private static string Ensure(string prefix, GemmaEncoderConfig config, ModelVariants variants, string tokenizerDirectory, string cacheDirectory) =>
        Ensure(prefix, EmbeddingGemmaModelWriter.GeneratorVersion, tokenizerDirectory, cacheDirectory,
            target => EmbeddingGemmaModelWriter.Write(target, config, Seed, tokenizerDirectory, variants));

    private static string EnsureEmbeddingGemma2(string prefix, EmbeddingGemma2Config config, string tokenizerDirectory, string cacheDirectory) =>
        Ensure(prefix, EmbeddingGemma2ModelWriter.GeneratorVersion, tokenizerDirectory, cacheDirectory,
            target => EmbeddingGemma2ModelWriter.Write(target, config, Seed, tokenizerDirectory));

    private static string Ensure(string prefix, string generatorVersion, string tokenizerDirectory, string cacheDirectory, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(tokenizerDirectory);
        ArgumentNullException.ThrowIfNull(cacheDirectory);
        string name = $"{prefix}-random-s{Seed}-g{generatorVersion}-t{TokenizerHash(tokenizerDirectory)}";
        string target = Path.GetFullPath(Path.Combine(cacheDirectory, name));
        return s_built.GetOrAdd(target, t => new Lazy<string>(() => Build(t, write))).Value;
    }

    private static string Build(string target, Action<string> write)
    {
        if (Directory.Exists(target))
        {
            return target;
        }

        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        string temporary = Path.Combine(parent, $".tmp-{Path.GetFileName(target)}-{Guid.NewGuid():N}");
        try
        {
            write(temporary);
            Directory.Move(temporary, target);
        }
        catch (IOException) when (Directory.Exists(target))
        {
            // Another process finished first; its folder is complete because it was renamed into place.
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }

        return target;
    }

    // Names and contents of the tokenizer files that get copied: a different tokenizer is a different folder.
    private static string TokenizerHash(string tokenizerDirectory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in EmbeddingGemmaModelWriter.TokenizerFileNames)
        {
            string path = Path.Combine(tokenizerDirectory, file);
            if (File.Exists(path))
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file));
                hash.AppendData(File.ReadAllBytes(path));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    // Same lookup as TestAssets.CacheDirectory (kept private here to avoid a merge clash):
    // SKEG_TEST_ASSETS, else <repo root>/.test-assets, the repo root holding SkEmbeddingGemma.sln.
    private static string CacheDirectory()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("SKEG_TEST_ASSETS");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SkEmbeddingGemma.sln")))
            {
                return Path.Combine(directory.FullName, ".test-assets");
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (SkEmbeddingGemma.sln); set SKEG_TEST_ASSETS.");
    }
}
