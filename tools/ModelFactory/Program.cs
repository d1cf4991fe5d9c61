using System.Diagnostics;
using System.Globalization;
using SkEmbeddingGemma.ModelFactory;

// Usage: [--family embeddinggemma|embeddinggemma2] --size tiny|micro|full --out DIR [--seed N] [--tokenizer DIR] [--fp16] [--quantize] [--vocab N]
const string usage = "Usage: ModelFactory [--family embeddinggemma|embeddinggemma2] --size tiny|micro|full --out DIR [--seed N] [--tokenizer DIR] [--fp16] [--quantize] [--vocab N]"
    + " (embeddinggemma2: tiny|full, float32 only)";
string family = "embeddinggemma";
string? size = null, output = null, tokenizer = null;
int seed = 42;
int? vocab = null;
var variants = ModelVariants.Float32;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--family": family = Value(); break;
        case "--size": size = Value(); break;
        case "--out": output = Value(); break;
        case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--tokenizer": tokenizer = Value(); break;
        case "--fp16": variants |= ModelVariants.Float16; break;
        case "--quantize": variants |= ModelVariants.Int8; break;
        case "--vocab": vocab = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
            return 2;
    }
}

var stopwatch = Stopwatch.StartNew();
if (family == "embeddinggemma2")
{
    EmbeddingGemma2Config? config2 = size switch
    {
        "tiny" => EmbeddingGemma2Config.Tiny,
        "full" => EmbeddingGemma2Config.Full,
        _ => null,
    };
    if (config2 is null || output is null || variants != ModelVariants.Float32)
    {
        Console.Error.WriteLine(usage);
        return 2;
    }

    if (vocab is not null)
    {
        config2 = config2 with { VocabSize = vocab.Value };
    }

    EmbeddingGemma2ModelWriter.Write(output, config2, seed, tokenizer);
    return Report();
}

if (family != "embeddinggemma")
{
    Console.Error.WriteLine(usage);
    return 2;
}

GemmaEncoderConfig? config = size switch
{
    "tiny" => GemmaEncoderConfig.Tiny,
    // Half the tiny width: with the real 262,144-token vocabulary it still fits where 64 MB is the limit.
    "micro" => GemmaEncoderConfig.Tiny with { HiddenSize = 32, IntermediateSize = 64, HeadDim = 16, QueryPreAttnScalar = 16, DenseIntermediateSize = 128, EmbeddingDimensions = 32 },
    "full" => GemmaEncoderConfig.EmbeddingGemma300M,
    _ => null,
};
if (config is null || output is null)
{
    Console.Error.WriteLine(usage);
    return 2;
}

// A smaller vocabulary only shrinks the embedding table (e.g. to copy a folder somewhere); real token ids need 262144.
if (vocab is not null)
{
    config = config with { VocabSize = vocab.Value };
}

EmbeddingGemmaModelWriter.Write(output, config, seed, tokenizer, variants);
return Report();

int Report()
{
    long bytes = new DirectoryInfo(output!).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
    Console.WriteLine(FormattableString.Invariant($"Wrote {family} {size} model (seed {seed}) to {output}: {bytes / 1e6:F1} MB in {stopwatch.Elapsed.TotalSeconds:F1} s."));
    return 0;
}
