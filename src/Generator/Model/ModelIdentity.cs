using System.Security.Cryptography;
using System.Text;

namespace SkEmbeddingGemma.Model;

/// <summary>
/// The content identity of a loaded model: <c>{model_type}@sha256:{hex}</c>, where <c>{model_type}</c> is
/// <c>config.json</c>'s (<c>gemma3_text</c> for EmbeddingGemma 300m, <c>embedding_gemma2</c> for EmbeddingGemma 2; its
/// nested <c>text_config</c>'s when only that names one), else <c>embeddinggemma</c>, and <c>{hex}</c> is the
/// lower-case SHA-256 of a manifest listing the variant name and, for every file the generator reads, its name, size
/// and SHA-256: the graph and its external data (<c>{variant}.onnx_data</c>, <c>{variant}.onnx_data_*</c>),
/// <c>config.json</c>, <c>sentence_bert_config.json</c>, <c>config_sentence_transformers.json</c> (prompts),
/// <c>tokenizer.json</c>, <c>tokenizer.model</c> and <c>tokenizer_config.json</c> (an absent optional file is listed
/// as absent), and, for a multimodal folder, the media encoders beside the graph (<c>vision_encoder.onnx</c>,
/// <c>audio_encoder.onnx</c> and their external data) and the media preprocessing settings (<c>processor_config.json</c>,
/// <c>preprocessor_config.json</c>). The media files are listed only when present, so a text-only folder keeps the
/// identity it had before they were part of the manifest, while two folders that differ only in an encoder or its
/// preprocessing (and so in their media vectors) get different identities. The folder's path and name are not part of it, so a copy or a move keeps the identity and any change
/// to weights, tokenizer, prompts or variant changes it. Generator options (dimensions, token limit, default prompt)
/// are not part of it.
/// </summary>
/// <remarks>
/// <para>
/// Hashing reads every byte of the graph's data, so it runs once, on the first request, and the result is cached.
/// A file that is a symlink to a huggingface_hub blob named by a 64-hex SHA-256 (how the Hub cache stores LFS files,
/// named after the hash the download verified) contributes that name instead of being read again.
/// </para>
/// <para>
/// The sizes and modification times of the files are taken when the model loads; a file that differs when the hash is
/// computed makes <see cref="Compute"/> throw, because the identity would no longer describe the loaded model.
/// </para>
/// <para>Thread-safe: concurrent first requests compute the identity once.</para>
/// </remarks>
internal sealed class ModelIdentity
{
    /// <summary>The model type named when <c>config.json</c> names none.</summary>
    public const string DefaultModelType = "embeddinggemma";

    // Versions the manifest format: a change to what is hashed must not reuse old identities.
    private const string ManifestHeader = "skembeddinggemma-model-identity/1";

    // The files the generator reads beside the graph (ModelConfiguration, PromptCatalog, GemmaTokenizer), in manifest order.
    private static readonly string[] s_folderFiles =
    [
        "config.json", "sentence_bert_config.json", "config_sentence_transformers.json",
        "tokenizer.json", "tokenizer.model", "tokenizer_config.json",
    ];

    // What only media inputs read (ProcessorSettings, LogMelSettings), hashed when present: absent, they shape no vector.
    private static readonly string[] s_mediaFolderFiles = ["processor_config.json", "preprocessor_config.json"];

    // The media encoder graphs beside the text graph (VisionEncoderSession, AudioEncoderSession), hashed when present.
    private static readonly string[] s_mediaGraphs = ["vision_encoder.onnx", "audio_encoder.onnx"];

    private readonly string _modelType;
    private readonly string _variant;
    private readonly IReadOnlyList<Input> _inputs;
    private readonly Lazy<string> _value;

    private ModelIdentity(string modelType, string variant, IReadOnlyList<Input> inputs)
    {
        _modelType = modelType;
        _variant = variant;
        _inputs = inputs;
        _value = new Lazy<string>(ComputeCore, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Notes the files of a loaded model (their sizes and modification times; nothing is read).
    /// </summary>
    /// <param name="modelDirectory">The model folder.</param>
    /// <param name="graphPath">The resolved graph of the variant.</param>
    /// <param name="variant">The variant name, such as <c>model</c>.</param>
    /// <param name="modelType"><c>config.json</c>'s model type, if it names one.</param>
    /// <exception cref="IOException">A file can't be examined.</exception>
    public static ModelIdentity Capture(string modelDirectory, string graphPath, string variant, string? modelType)
    {
        var inputs = new List<Input>();
        AddGraph(inputs, graphPath, "graph ", "graph-data ");

        foreach (string file in s_folderFiles)
        {
            inputs.Add(Input.Of("file " + file, Path.Combine(modelDirectory, file)));
        }

        string graphDirectory = Path.GetDirectoryName(Path.GetFullPath(graphPath))!;
        foreach (string encoder in s_mediaGraphs)
        {
            string encoderPath = Path.Combine(graphDirectory, encoder);
            if (File.Exists(encoderPath))
            {
                AddGraph(inputs, encoderPath, "media-graph ", "media-graph-data ");
            }
        }

        foreach (string file in s_mediaFolderFiles)
        {
            string path = Path.Combine(modelDirectory, file);
            if (File.Exists(path))
            {
                inputs.Add(Input.Of("media-file " + file, path));
            }
        }

        return new ModelIdentity(string.IsNullOrWhiteSpace(modelType) ? DefaultModelType : modelType, variant, inputs);
    }

    // A graph and its external data, as exported by onnx (model.onnx_data) or split (model.onnx_data_1, ...).
    private static void AddGraph(List<Input> inputs, string graphPath, string graphLabel, string dataLabel)
    {
        string graphName = Path.GetFileName(graphPath);
        inputs.Add(Input.Of(graphLabel + graphName, graphPath));
        string graphDirectory = Path.GetDirectoryName(Path.GetFullPath(graphPath))!;
        foreach (string data in Directory.EnumerateFiles(graphDirectory, graphName + "_data*")
            .Where(p => Path.GetFileName(p) is { } name && (name == graphName + "_data" || name.StartsWith(graphName + "_data_", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal))
        {
            inputs.Add(Input.Of(dataLabel + Path.GetFileName(data), data));
        }
    }

    /// <summary>Gets the identity, hashing the files on the first call.</summary>
    /// <exception cref="InvalidOperationException">A model file changed, or went away, since the model loaded.</exception>
    /// <exception cref="IOException">A file can't be read.</exception>
    public string Compute() => _value.Value;

    private string ComputeCore()
    {
        var manifest = new StringBuilder(ManifestHeader).Append('\n');
        manifest.Append("variant ").Append(_variant).Append('\n');
        foreach (Input input in _inputs)
        {
            manifest.Append(input.Label).Append(' ');
            FileState? now = FileState.Read(input.Path);
            if (now != input.State)
            {
                throw new InvalidOperationException(
                    $"The model file '{input.Path}' changed since the model was loaded, so its identity would not describe the loaded model; load the model again.");
            }

            if (now is null)
            {
                manifest.Append("absent\n");
                continue;
            }

            manifest.Append(now.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(' ').Append(Sha256Of(input.Path)).Append('\n');
        }

        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(manifest.ToString()));
        return $"{_modelType}@sha256:{Convert.ToHexStringLower(digest)}";
    }

    private static string Sha256Of(string path)
    {
        // The Hub cache names an LFS blob by the SHA-256 its download verified: reuse it rather than read again.
        if (File.ResolveLinkTarget(path, returnFinalTarget: true) is { } target
            && Path.GetFileName(Path.GetDirectoryName(target.FullName)) == "blobs"
            && IsSha256Hex(target.Name))
        {
            return target.Name;
        }

        using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static bool IsSha256Hex(string name) => name.Length == 64 && name.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private sealed record Input(string Label, string Path, FileState? State)
    {
        public static Input Of(string label, string path) => new(label, path, FileState.Read(path));
    }

    private sealed record FileState(long Length, DateTime LastWriteTimeUtc)
    {
        // Follows symlinks: the state of the file the model was read from.
        public static FileState? Read(string path)
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo final)
            {
                info = final;
            }

            return info.Exists ? new FileState(info.Length, info.LastWriteTimeUtc) : null;
        }
    }
}
