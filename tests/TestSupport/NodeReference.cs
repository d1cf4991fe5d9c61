namespace SkEmbeddingGemma.TestSupport;

/// <summary>
/// Runs reference scripts (<c>tests/TestSupport/node/*.mjs</c>) against transformers.js, which is installed once into
/// <c>&lt;cache&gt;/node-transformers-&lt;version&gt;</c>.
/// </summary>
/// <remarks>
/// The install sets <c>ONNXRUNTIME_NODE_INSTALL=skip</c>: onnxruntime-node's install script would otherwise try to
/// download CUDA files. The CPU binaries ship inside the npm package, so inference on CPU still works.
/// </remarks>
public static class NodeReference
{
    /// <summary>The pinned transformers.js version (<c>npm view @huggingface/transformers version</c> when written).</summary>
    public const string TransformersVersion = "4.3.1";

    /// <summary>The pinned <c>wavefile</c> version: transformers.js's documented way to read WAV files in Node.js.</summary>
    public const string WavefileVersion = "11.0.0";

    private static readonly Lazy<string> s_installDirectory = new(Install);
    private static readonly Lazy<string> s_wavefileDirectory = new(InstallWavefile);

    /// <summary>Gets the folder holding <c>node_modules/@huggingface/transformers</c>; installs it on first use.</summary>
    public static string InstallDirectory => s_installDirectory.Value;

    /// <summary>
    /// Gets the folder holding <c>node_modules/wavefile</c>, installed apart from transformers.js so its cached folder
    /// stays as it is; scripts load it with <c>createRequire</c> from this path.
    /// </summary>
    public static string WavefileDirectory => s_wavefileDirectory.Value;

    /// <summary>
    /// Runs <c>node &lt;scriptName&gt; args…</c>, the scripts (and the modules they share) being copied next to the installed <c>node_modules</c>
    /// (ES modules ignore <c>NODE_PATH</c>), and returns its standard output.
    /// </summary>
    /// <param name="scriptName">A file name under <c>tests/TestSupport/node/</c>, such as <c>tokenize.mjs</c>.</param>
    /// <param name="args">The script's arguments; pass absolute paths.</param>
    /// <exception cref="InvalidOperationException">Node is missing or the script fails.</exception>
    public static async Task<string> RunScriptAsync(string scriptName, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(scriptName);
        ArgumentNullException.ThrowIfNull(args);
        string source = Path.Combine(AppContext.BaseDirectory, "node", scriptName);
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"No node script '{scriptName}' next to the test binaries (tests/TestSupport/node/).", source);
        }

        string installDirectory = InstallDirectory;

        // Every script goes along, not only this one: scripts import shared modules beside them (wav.mjs).
        foreach (string file in Directory.GetFiles(Path.GetDirectoryName(source)!, "*.mjs"))
        {
            string target = Path.Combine(installDirectory, Path.GetFileName(file));
            byte[] content = await File.ReadAllBytesAsync(file);
            byte[] installed = File.Exists(target) ? await File.ReadAllBytesAsync(target) : [];
            if (!Enumerable.SequenceEqual(content, installed))
            {
                TestAssets.WriteFileAtomically(target, stream => stream.Write(content));
            }
        }

        string script = Path.Combine(installDirectory, scriptName);
        return await TestAssets.RunProcessAsync(
            "node", new[] { script }.Concat(args).ToArray(), installDirectory, missingHint: "Install Node.js 18 or later to run the transformers.js reference.");
    }

    private static string InstallWavefile() =>
        TestAssets.GetOrCreateDirectory($"node-wavefile-{WavefileVersion}", static target =>
        {
            File.WriteAllText(Path.Combine(target, "package.json"), """{ "name": "skeg-node-wavefile", "private": true }""");
            TestAssets.RunProcessAsync(
                "npm",
                ["install", $"wavefile@{WavefileVersion}", "--save-exact", "--no-audit", "--no-fund", "--loglevel=error"],
                target,
                null,
                "Install Node.js (npm) to run the transformers.js audio reference.").GetAwaiter().GetResult();
        });

    private static string Install() =>
        TestAssets.GetOrCreateDirectory($"node-transformers-{TransformersVersion}", static target =>
        {
            File.WriteAllText(Path.Combine(target, "package.json"), """{ "name": "skeg-node-reference", "private": true, "type": "module" }""");
            TestAssets.RunProcessAsync(
                "npm",
                ["install", $"@huggingface/transformers@{TransformersVersion}", "--save-exact", "--no-audit", "--no-fund", "--loglevel=error"],
                target,
                new Dictionary<string, string> { ["ONNXRUNTIME_NODE_INSTALL"] = "skip" },
                "Install Node.js (npm) to run the transformers.js reference.").GetAwaiter().GetResult();
        });
}
