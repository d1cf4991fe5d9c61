using System.Runtime.InteropServices;
using SkEmbeddingGemma.Quantization.Onnx;
using DataType = SkEmbeddingGemma.Quantization.Onnx.TensorProto.Types.DataType;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Streams generated weights into an ONNX external-data file, one block at a time, and returns the
/// TensorProto that points at them. Offsets are 4096-aligned so runtimes can mmap the file.
/// </summary>
internal sealed class ExternalDataWriter : IDisposable
{
    private const int Alignment = 4096;

    // 64 chunks of 64K floats = 16 MiB per block: bounded memory even for the 805 MB embedding table.
    private const int ChunksPerBlock = 64;

    private readonly FileStream _stream;
    private readonly string _location;
    private readonly int _seed;
    private readonly bool _float16;

    public ExternalDataWriter(string path, int seed, bool float16)
    {
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        _location = Path.GetFileName(path);
        _seed = seed;
        _float16 = float16;
    }

    public DataType ElementType => _float16 ? DataType.Float16 : DataType.Float;

    public TensorProto Write(WeightSpec spec)
    {
        long padding = (Alignment - (_stream.Position % Alignment)) % Alignment;
        if (padding > 0)
        {
            _stream.Write(new byte[padding]);
        }

        long offset = _stream.Position;
        long total = spec.ElementCount;
        long chunks = (total + GemmaWeightGenerator.ChunkElements - 1) / GemmaWeightGenerator.ChunkElements;
        var block = new float[(int)Math.Min(total, (long)ChunksPerBlock * GemmaWeightGenerator.ChunkElements)];
        Half[]? halves = _float16 ? new Half[block.Length] : null;
        for (long first = 0; first < chunks; first += ChunksPerBlock)
        {
            long blockStart = first * GemmaWeightGenerator.ChunkElements;
            int blockLength = (int)Math.Min(block.Length, total - blockStart);
            long blockChunks = Math.Min(ChunksPerBlock, chunks - first);
            Parallel.For(0L, blockChunks, c =>
            {
                int start = (int)(c * GemmaWeightGenerator.ChunkElements);
                int length = Math.Min(GemmaWeightGenerator.ChunkElements, blockLength - start);
                GemmaWeightGenerator.FillChunk(_seed, spec, first + c, block.AsSpan(start, length));
            });

            if (halves is null)
            {
                _stream.Write(MemoryMarshal.AsBytes(block.AsSpan(0, blockLength)));
            }
            else
            {
                for (int i = 0; i < blockLength; i++)
                {
                    halves[i] = (Half)block[i];
                }

                _stream.Write(MemoryMarshal.AsBytes(halves.AsSpan(0, blockLength)));
            }
        }

        long length = _stream.Position - offset;
        var tensor = new TensorProto
        {
            Name = spec.Name,
            DataType = (int)ElementType,
            DataLocation = TensorProto.Types.DataLocation.External,
        };
        tensor.Dims.AddRange(spec.Shape.Select(d => (long)d));
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = _location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return tensor;
    }

    public void Dispose() => _stream.Dispose();
}
