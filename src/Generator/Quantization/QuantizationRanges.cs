using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SkEmbeddingGemma.Quantization;

/// <summary>
/// Per-dimension minimum and maximum of a set of calibration embeddings: the <c>ranges</c> of sentence-transformers'
/// <c>quantize_embeddings</c> (row 0 the minimums, row 1 the maximums), which int8 and uint8 quantization divide into
/// 256 buckets. Saved and reloaded as a small versioned JSON file.
/// </summary>
/// <remarks>
/// Ranges belong to one embedding width: calibrate at the Matryoshka width you quantize, because a truncated embedding
/// is not the prefix of the full one once it is renormalized. A dimension whose minimum equals its maximum (a constant
/// dimension, e.g. from a single sample) has no bucket width; sentence-transformers divides by zero there and its
/// output is undefined, so such ranges are refused. Instances are immutable and thread-safe.
/// </remarks>
public sealed class QuantizationRanges
{
    /// <summary>The <c>format</c> value every ranges file carries.</summary>
    public const string FileFormat = "skembeddinggemma.quantization-ranges";

    /// <summary>The file version this library writes and reads.</summary>
    public const int FileVersion = 1;

    private readonly float[] _minimums;
    private readonly float[] _maximums;
    private readonly float[] _steps;

    /// <summary>Creates ranges from explicit per-dimension minimums and maximums.</summary>
    /// <param name="minimums">The lowest value of each dimension.</param>
    /// <param name="maximums">The highest value of each dimension.</param>
    /// <exception cref="ArgumentException">
    /// The arrays are empty or differ in length, a value is NaN or infinite, or a minimum is not below its maximum.
    /// </exception>
    public QuantizationRanges(ReadOnlySpan<float> minimums, ReadOnlySpan<float> maximums)
    {
        if (minimums.IsEmpty || minimums.Length != maximums.Length)
        {
            throw new ArgumentException(
                $"Quantization ranges need one minimum and one maximum per dimension; got {minimums.Length} minimums and {maximums.Length} maximums.",
                nameof(maximums));
        }

        _minimums = minimums.ToArray();
        _maximums = maximums.ToArray();
        _steps = new float[_minimums.Length];
        for (int i = 0; i < _minimums.Length; i++)
        {
            if (!float.IsFinite(_minimums[i]) || !float.IsFinite(_maximums[i]))
            {
                throw new ArgumentException($"Quantization range of dimension {i} is not finite ({_minimums[i]}, {_maximums[i]}).", nameof(minimums));
            }

            if (!(_minimums[i] < _maximums[i]))
            {
                throw new ArgumentException(
                    $"Quantization range of dimension {i} is empty (minimum {_minimums[i].ToString("R", CultureInfo.InvariantCulture)}, maximum "
                    + $"{_maximums[i].ToString("R", CultureInfo.InvariantCulture)}): a constant dimension has no bucket width. Calibrate on more, "
                    + "varied sample embeddings.",
                    nameof(minimums));
            }

            // float32 arithmetic, as numpy computes (max - min) / 255 on float32 arrays.
            _steps[i] = (_maximums[i] - _minimums[i]) / 255f;
        }
    }

    /// <summary>Gets the number of dimensions the ranges cover.</summary>
    public int Dimensions => _minimums.Length;

    /// <summary>Gets the per-dimension minimums (the bucket starts).</summary>
    public ReadOnlyMemory<float> Minimums => _minimums;

    /// <summary>Gets the per-dimension maximums.</summary>
    public ReadOnlyMemory<float> Maximums => _maximums;

    internal ReadOnlySpan<float> Steps => _steps;

    /// <summary>Computes ranges from sample embeddings: the minimum and maximum of each dimension over all samples.</summary>
    /// <param name="samples">Calibration embeddings, all of one width.</param>
    /// <returns>The ranges.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="samples"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// There are no samples, their widths differ, a value is NaN or infinite, or a dimension is constant over all samples.
    /// </exception>
    public static QuantizationRanges FromCalibration(IEnumerable<ReadOnlyMemory<float>> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        float[]? minimums = null;
        float[]? maximums = null;
        int index = 0;
        foreach (ReadOnlyMemory<float> sample in samples)
        {
            ReadOnlySpan<float> values = sample.Span;
            if (minimums is null || maximums is null)
            {
                if (values.IsEmpty)
                {
                    throw new ArgumentException("Calibration sample 0 is empty.", nameof(samples));
                }

                minimums = values.ToArray();
                maximums = values.ToArray();
            }
            else if (values.Length != minimums.Length)
            {
                throw new ArgumentException(
                    $"Calibration sample {index} has {values.Length} dimensions; sample 0 has {minimums.Length}. Calibrate at one width.", nameof(samples));
            }

            for (int i = 0; i < values.Length; i++)
            {
                float value = values[i];
                if (!float.IsFinite(value))
                {
                    throw new ArgumentException($"Calibration sample {index} has a non-finite value ({value}) in dimension {i}.", nameof(samples));
                }

                minimums[i] = Math.Min(minimums[i], value);
                maximums[i] = Math.Max(maximums[i], value);
            }

            index++;
        }

        if (minimums is null || maximums is null)
        {
            throw new ArgumentException("Calibration needs at least one sample embedding.", nameof(samples));
        }

        return new QuantizationRanges(minimums, maximums);
    }

    /// <summary>Computes ranges from sample embeddings.</summary>
    /// <param name="samples">Calibration embeddings, all of one width.</param>
    /// <returns>The ranges.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="samples"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">See <see cref="FromCalibration(IEnumerable{ReadOnlyMemory{float}})"/>.</exception>
    public static QuantizationRanges FromCalibration(IEnumerable<Embedding<float>> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return FromCalibration(samples.Select((e, i) => e?.Vector ?? throw new ArgumentNullException(nameof(samples), $"samples[{i}] is null.")));
    }

    /// <summary>Embeds sample texts with <paramref name="generator"/> and computes ranges from their embeddings.</summary>
    /// <param name="generator">The float generator whose outputs will be quantized.</param>
    /// <param name="samples">Texts representative of the corpus (a few hundred or more give stable ranges).</param>
    /// <param name="options">The options the quantized calls will use (prompt, Matryoshka width), or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ranges.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="samples"/> is null.</exception>
    /// <exception cref="ArgumentException">See <see cref="FromCalibration(IEnumerable{ReadOnlyMemory{float}})"/>.</exception>
    public static async Task<QuantizationRanges> CalibrateAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, IEnumerable<string> samples, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(samples);
        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(samples, options, cancellationToken).ConfigureAwait(false);
        return FromCalibration(embeddings);
    }

    /// <summary>Writes the ranges as a versioned JSON file (replaced atomically).</summary>
    /// <param name="path">The file to write.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var root = new JsonObject
        {
            ["format"] = FileFormat,
            ["version"] = FileVersion,
            ["dimensions"] = Dimensions,
            ["minimums"] = new JsonArray(_minimums.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            ["maximums"] = new JsonArray(_maximums.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
        };
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString());
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads ranges written by <see cref="Save"/>, validating every field.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The ranges.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid ranges file; the message names the file and the field.</exception>
    public static QuantizationRanges Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Quantization ranges file '{path}' does not exist.", path);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"not JSON ({e.Message})", e);
        }

        if (root is not JsonObject obj)
        {
            throw Invalid(path, "the top level is not a JSON object");
        }

        if (ReadString(obj, "format", path) != FileFormat)
        {
            throw Invalid(path, $"'format' is not \"{FileFormat}\"");
        }

        int version = ReadInt(obj, "version", path);
        if (version != FileVersion)
        {
            throw Invalid(path, $"'version' is {version}; this library reads version {FileVersion}");
        }

        int dimensions = ReadInt(obj, "dimensions", path);
        float[] minimums = ReadFloats(obj, "minimums", dimensions, path);
        float[] maximums = ReadFloats(obj, "maximums", dimensions, path);
        try
        {
            return new QuantizationRanges(minimums, maximums);
        }
        catch (ArgumentException e)
        {
            throw Invalid(path, e.Message, e);
        }
    }

    private static string? ReadString(JsonObject obj, string name, string path)
        => obj[name] is JsonValue value && value.TryGetValue(out string? text) ? text : throw Invalid(path, $"'{name}' is missing or not a string");

    private static int ReadInt(JsonObject obj, string name, string path)
        => obj[name] is JsonValue value && value.TryGetValue(out int number) && number > 0
            ? number
            : throw Invalid(path, $"'{name}' is missing or not a positive integer");

    private static float[] ReadFloats(JsonObject obj, string name, int dimensions, string path)
    {
        if (obj[name] is not JsonArray array)
        {
            throw Invalid(path, $"'{name}' is missing or not an array");
        }

        if (array.Count != dimensions)
        {
            throw Invalid(path, $"'{name}' has {array.Count} values; 'dimensions' is {dimensions}");
        }

        var values = new float[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            values[i] = array[i] is JsonValue value && value.TryGetValue(out float number)
                ? number
                : throw Invalid(path, $"'{name}'[{i}] is not a number");
        }

        return values;
    }

    private static InvalidDataException Invalid(string path, string problem, Exception? inner = null)
        => new($"Quantization ranges file '{path}' is invalid: {problem}.", inner);
}
