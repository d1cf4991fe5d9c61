using System.CommandLine;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Quantization;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// <c>embeddinggemma quantize</c>: writes the project's int8 dynamic-quantized variant of a model folder's float32 graph
/// (<c>onnx/model_int8.onnx</c>) and checks it against float32 on probe texts. It is an approximation, labelled as one:
/// the float32 graph stays the sentence-transformers reference.
/// </summary>
internal static class QuantizeCommand
{
    /// <summary>The variant name written by default.</summary>
    public const string DefaultVariant = "model_int8";

    // Short and long, several languages and both roles: where int8 error shows first.
    private static readonly string[] s_probes =
    [
        "Which planet is known as the Red Planet?",
        "Mars, known for its reddish appearance, is often referred to as the Red Planet.",
        "Venus is often called Earth's twin because of its similar size and proximity.",
        "La recherche sémantique trouve des documents par leur sens plutôt que par leurs mots.",
        "Die Einbettungen werden lokal berechnet, ohne Cloud-Aufruf.",
        "埋め込みモデルは文章をベクトルに変換します。",
        "public static int Add(int a, int b) => a + b;",
        string.Join(' ', Enumerable.Repeat("A longer passage repeats itself to reach a few hundred tokens of context.", 24)),
    ];

    /// <summary>Builds the command over the shared <c>--model</c> option.</summary>
    internal static Command Create(Option<string?> modelOption)
    {
        var nameOption = new Option<string>("--name") { Description = "Variant name to write under onnx/.", DefaultValueFactory = _ => DefaultVariant };
        var formatOption = new Option<QuantizedMatMulFormat>("--format")
        {
            Description = "MatMulInteger (int8, standard ONNX ops, as onnxruntime's quantize_dynamic writes), DynamicQuantizeMatMul (int8, ONNX Runtime contrib op) "
                + "or MatMulNBits4 (4-bit blocks of 32, like model_q4; coarser: pass --name model_q4 and expect a lower cosine).",
            DefaultValueFactory = _ => QuantizedMatMulFormat.MatMulInteger,
        };
        var minCosineOption = new Option<double>("--min-cosine")
        {
            Description = "Least cosine to float32 on the probe texts; below it the variant is deleted and the command fails.",
            DefaultValueFactory = _ => 0.99,
        };

        var command = new Command(
            "quantize",
            "Write an int8 dynamic-quantized variant (approximate, about 2x faster on CPU) of the folder's float32 graph and check its cosine to float32.")
        {
            modelOption, nameOption, formatOption, minCosineOption,
        };
        command.SetAction((parse, cancellationToken) => CliRunner.RunAsync(async () =>
        {
            string model = CliModel.Resolve(parse.GetValue(modelOption));
            string name = parse.GetValue(nameOption)!;
            double minCosine = parse.GetValue(minCosineOption);
            if (minCosine is < -1 or > 1)
            {
                throw new ArgumentException($"--min-cosine must be between -1 and 1 (was {minCosine.ToString(CultureInfo.InvariantCulture)}).");
            }

            string source = EmbeddingGemmaModelFolder.ResolveGraph(model, EmbeddingGemmaModelFolder.DefaultVariant);
            string target = Path.Combine(Path.GetDirectoryName(source)!, ValidateName(name) + ".onnx");
            QuantizationSummary summary = OnnxDynamicQuantizer.Quantize(
                source, target, new OnnxDynamicQuantizerOptions { Format = parse.GetValue(formatOption) });
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"wrote {target} (+ _data): {summary.QuantizedMatMuls} MatMuls in int8, {summary.FloatMatMuls} left in float32, {(summary.ModelBytes + summary.DataBytes) / 1_000_000} MB"));

            double cosine = await MinimumCosineAsync(model, name, cancellationToken);
            string verdict = string.Create(CultureInfo.InvariantCulture, $"min cosine to float32 over {s_probes.Length * 2} probe embeddings: {cosine:F5}");
            if (cosine < minCosine)
            {
                File.Delete(target);
                File.Delete(target + "_data");
                throw new InvalidDataException($"{verdict}, below --min-cosine {minCosine.ToString(CultureInfo.InvariantCulture)}: the variant was deleted.");
            }

            await Console.Error.WriteLineAsync($"{verdict}. '{name}' is approximate (int8 weights, activations quantized at run time), not the float32 reference; use it with --variant {name}.");
            await Console.Out.WriteLineAsync(name);
            return 0;
        }));
        return command;
    }

    private static string ValidateName(string name)
    {
        if (string.Equals(name, EmbeddingGemmaModelFolder.DefaultVariant, StringComparison.Ordinal) || EmbeddingGemmaModelFolder.IsFloat16Name(name))
        {
            throw new ArgumentException($"--name '{name}' would replace the float32 graph or look like a float16 one; choose another name such as {DefaultVariant}.");
        }

        return EmbeddingGemmaModelFolder.IsVariantName(name) ? name : throw new ArgumentException($"--name '{name}' is not a file name such as {DefaultVariant}.");
    }

    private static async Task<double> MinimumCosineAsync(string model, string variant, CancellationToken cancellationToken)
    {
        float[][] reference = await EmbedProbesAsync(model, EmbeddingGemmaModelFolder.DefaultVariant, cancellationToken);
        float[][] quantized = await EmbedProbesAsync(model, variant, cancellationToken);
        return reference.Zip(quantized, (r, q) => (double)TensorPrimitives.CosineSimilarity(r, q)).Min();
    }

    private static async Task<float[][]> EmbedProbesAsync(string model, string variant, CancellationToken cancellationToken)
    {
        using var generator = new EmbeddingGemmaGenerator(model, new EmbeddingGemmaGeneratorOptions { Variant = variant });
        GeneratedEmbeddings<Embedding<float>> queries = await generator.GenerateAsync(s_probes, EmbeddingGemmaGenerationOptions.ForQuery(), cancellationToken);
        GeneratedEmbeddings<Embedding<float>> documents = await generator.GenerateAsync(s_probes, EmbeddingGemmaGenerationOptions.ForDocuments(), cancellationToken);
        return [.. queries.Concat(documents).Select(e => e.Vector.ToArray())];
    }
}
