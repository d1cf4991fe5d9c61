using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using SkEmbeddingGemma.Quantization.Onnx;
using DataType = SkEmbeddingGemma.Quantization.Onnx.TensorProto.Types.DataType;

namespace SkEmbeddingGemma.Quantization;

/// <summary>
/// Dynamic int8 quantization of an ONNX model, like onnxruntime's <c>quantize_dynamic</c> with QInt8 weights:
/// every MatMul whose B is a 2-D float initializer gets symmetric int8 weights (zero point 0) and activations
/// quantized to uint8 at run time. Everything else, the embedding Gather included, stays float.
/// </summary>
public static class OnnxDynamicQuantizer
{
    private const string MicrosoftDomain = "com.microsoft";
    private const int Alignment = 4096;

    // Tensors at most this big stay inline, as ONNX exporters do; the rest go to the external-data file.
    private const int InlineLimit = 1024;

    // Elements per 4-bit block along K, as onnx-community's q4 exports use.
    private const int BlockSize4Bit = 32;

    /// <summary>
    /// Reads <paramref name="inputModelPath"/> (with its external data) and writes the quantized model to
    /// <paramref name="outputModelPath"/>, its weights to <c>{output name}_data</c> beside it (e.g. <c>model_quantized.onnx_data</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A path is empty, or both paths are the same file.</exception>
    /// <exception cref="FileNotFoundException">The model or one of its external-data files is missing.</exception>
    /// <exception cref="InvalidDataException">The model is not a readable ONNX model; the message names the file.</exception>
    public static QuantizationSummary Quantize(string inputModelPath, string outputModelPath, OnnxDynamicQuantizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputModelPath);
        ArgumentException.ThrowIfNullOrEmpty(outputModelPath);
        options ??= new OnnxDynamicQuantizerOptions();
        string input = Path.GetFullPath(inputModelPath);
        string output = Path.GetFullPath(outputModelPath);
        if (string.Equals(input, output, StringComparison.Ordinal))
        {
            throw new ArgumentException("The quantized model must not overwrite its source.", nameof(outputModelPath));
        }

        ModelProto model = ReadModel(input);
        string outputDirectory = Path.GetDirectoryName(output)!;
        Directory.CreateDirectory(outputDirectory);
        string dataName = Path.GetFileName(output) + "_data";
        string dataPath = Path.Combine(outputDirectory, dataName);

        // Write beside the targets, then rename: a failure never leaves a half-written model in place.
        string temporaryModel = output + ".tmp-" + Guid.NewGuid().ToString("N");
        string temporaryData = dataPath + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            (int quantized, int floatMatMuls) counts;
            long dataBytes;
            using (var source = new ExternalDataSource(Path.GetDirectoryName(input)!))
            using (var data = new DataFile(temporaryData, dataName))
            {
                counts = Rewrite(model, source, data, options);
                dataBytes = data.Length;
            }

            using (var stream = new FileStream(temporaryModel, FileMode.Create, FileAccess.Write))
            {
                model.WriteTo(stream);
            }

            if (dataBytes > 0)
            {
                File.Move(temporaryData, dataPath, overwrite: true);
            }
            else if (File.Exists(dataPath))
            {
                File.Delete(dataPath);
            }

            File.Move(temporaryModel, output, overwrite: true);
            return new QuantizationSummary(counts.quantized, counts.floatMatMuls, new FileInfo(output).Length, dataBytes);
        }
        finally
        {
            File.Delete(temporaryModel);
            File.Delete(temporaryData);
        }
    }

    private static ModelProto ReadModel(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The ONNX model '{path}' does not exist.", path);
        }

        ModelProto model;
        try
        {
            using FileStream stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{path}' is not a readable ONNX model: {e.Message}", e);
        }

        // Random bytes can parse as an empty protobuf message; a model has a graph with nodes.
        if (model.Graph is not { Node.Count: > 0 })
        {
            throw new InvalidDataException($"'{path}' is not an ONNX model (it has no graph nodes).");
        }

        return model;
    }

    private static (int Quantized, int FloatMatMuls) Rewrite(ModelProto model, ExternalDataSource source, DataFile data, OnnxDynamicQuantizerOptions options)
    {
        GraphProto graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var graphInputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var quantizedWeights = new Dictionary<string, QuantizedWeight>(StringComparer.Ordinal);
        var newInitializers = new List<TensorProto>();
        var nodes = new List<NodeProto>(graph.Node.Count * 2);
        int quantized = 0, floatMatMuls = 0;
        foreach (NodeProto node in graph.Node)
        {
            // An initializer that is also a graph input can be overridden at run time, so it is not a constant.
            if (node.OpType != "MatMul" || node.Domain.Length != 0 || node.Input.Count != 2
                || !initializers.TryGetValue(node.Input[1], out TensorProto? b) || graphInputs.Contains(b.Name)
                || b.DataType != (int)DataType.Float || b.Dims.Count != 2)
            {
                floatMatMuls += node.OpType == "MatMul" && node.Domain.Length == 0 ? 1 : 0;
                nodes.Add(node);
                continue;
            }

            if (!quantizedWeights.TryGetValue(b.Name, out QuantizedWeight? q))
            {
                q = options.Format == QuantizedMatMulFormat.MatMulNBits4
                    ? QuantizeWeight4Bit(b, source, data, newInitializers)
                    : QuantizeWeight(b, source, data, options.PerChannel, newInitializers);
                quantizedWeights.Add(b.Name, q);
            }

            string prefix = string.IsNullOrEmpty(node.Name) ? node.Output[0] : node.Name;
            if (options.Format == QuantizedMatMulFormat.MatMulNBits4)
            {
                nodes.Add(NewNode("MatMulNBits", prefix + "_q4", MicrosoftDomain, [node.Input[0], q.Weight, q.Scale], [node.Output[0]],
                    IntAttribute("K", q.Rows), IntAttribute("N", q.Columns), IntAttribute("bits", 4), IntAttribute("block_size", BlockSize4Bit),
                    IntAttribute("accuracy_level", 4)));
            }
            else if (options.Format == QuantizedMatMulFormat.DynamicQuantizeMatMul)
            {
                nodes.Add(NewNode("DynamicQuantizeMatMul", prefix + "_quant", MicrosoftDomain, [node.Input[0], q.Weight, q.Scale], [node.Output[0]]));
            }
            else
            {
                string aQuantized = prefix + "_a_quantized", aScale = prefix + "_a_scale", aZeroPoint = prefix + "_a_zero_point";
                nodes.Add(NewNode("DynamicQuantizeLinear", prefix + "_a_quant", string.Empty, [node.Input[0]], [aQuantized, aScale, aZeroPoint]));
                nodes.Add(NewNode("MatMulInteger", prefix + "_int", string.Empty, [aQuantized, q.Weight, aZeroPoint], [prefix + "_int32"]));
                nodes.Add(NewNode("Cast", prefix + "_cast", string.Empty, [prefix + "_int32"], [prefix + "_int_float"], IntAttribute("to", (long)DataType.Float)));
                nodes.Add(NewNode("Mul", prefix + "_scale", string.Empty, [aScale, q.Scale], [prefix + "_combined_scale"]));
                nodes.Add(NewNode("Mul", prefix + "_rescale", string.Empty, [prefix + "_int_float", prefix + "_combined_scale"], [node.Output[0]]));
            }

            quantized++;
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);

        // Keep only initializers something still reads; float weights that now live as int8 disappear.
        var used = new HashSet<string>(StringComparer.Ordinal);
        CollectInputs(graph, used);
        var kept = new List<TensorProto>();
        foreach (TensorProto tensor in graph.Initializer)
        {
            if (used.Contains(tensor.Name) || graphInputs.Contains(tensor.Name))
            {
                kept.Add(data.Adopt(tensor, source));
            }
        }

        graph.Initializer.Clear();
        graph.Initializer.AddRange(kept);
        graph.Initializer.AddRange(newInitializers);

        if (quantized > 0 && options.Format != QuantizedMatMulFormat.MatMulInteger
            && !model.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }

        model.ProducerName = "SkEmbeddingGemma.Quantization.OnnxDynamicQuantizer";
        return (quantized, floatMatMuls);
    }

    // Symmetric int8: scale = max|w| / 127 per column (or tensor), zero point 0, values in [-127, 127].
    private static QuantizedWeight QuantizeWeight(TensorProto b, ExternalDataSource source, DataFile data, bool perChannel, List<TensorProto> initializers)
    {
        int rows = checked((int)b.Dims[0]), columns = checked((int)b.Dims[1]);
        float[] values = source.ReadFloats(b, checked(rows * columns));
        var scales = new float[perChannel ? columns : 1];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = values.AsSpan(r * columns, columns);
            for (int c = 0; c < columns; c++)
            {
                ref float scale = ref scales[perChannel ? c : 0];
                scale = MathF.Max(scale, MathF.Abs(row[c]));
            }
        }

        for (int i = 0; i < scales.Length; i++)
        {
            scales[i] = scales[i] > 0 ? scales[i] / 127f : 1f;
        }

        var quantized = new sbyte[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                int i = r * columns + c;
                float q = MathF.Round(values[i] / scales[perChannel ? c : 0], MidpointRounding.ToEven);
                quantized[i] = (sbyte)Math.Clamp(q, -127f, 127f);
            }
        }

        string weightName = b.Name + "_quantized", scaleName = b.Name + "_scale";
        initializers.Add(data.Write(weightName, DataType.Int8, MemoryMarshal.AsBytes(quantized.AsSpan()), [rows, columns]));
        initializers.Add(data.Write(scaleName, DataType.Float, MemoryMarshal.AsBytes(scales.AsSpan()), perChannel ? [columns] : []));
        return new QuantizedWeight(weightName, scaleName, rows, columns);
    }

    // MatMulNBits layout: B[K, N] is stored column by column as [N, K / block, block / 2] bytes, two 4-bit values per byte
    // (the lower k in the low nibble), one float scale per (column, block); values are q - 8 with q in [1, 15] here
    // (symmetric: scale = max|w| / 7 per block).
    private static QuantizedWeight QuantizeWeight4Bit(TensorProto b, ExternalDataSource source, DataFile data, List<TensorProto> initializers)
    {
        int rows = checked((int)b.Dims[0]), columns = checked((int)b.Dims[1]);
        int blocks = (rows + BlockSize4Bit - 1) / BlockSize4Bit;
        float[] values = source.ReadFloats(b, checked(rows * columns));
        var packed = new byte[checked(columns * blocks * BlockSize4Bit / 2)];
        var scales = new float[columns * blocks];
        for (int n = 0; n < columns; n++)
        {
            for (int block = 0; block < blocks; block++)
            {
                int first = block * BlockSize4Bit, last = Math.Min(rows, first + BlockSize4Bit);
                float max = 0;
                for (int k = first; k < last; k++)
                {
                    max = MathF.Max(max, MathF.Abs(values[k * columns + n]));
                }

                float scale = max > 0 ? max / 7f : 1f;
                scales[n * blocks + block] = scale;
                int offset = (n * blocks + block) * (BlockSize4Bit / 2);
                for (int k = first; k < last; k++)
                {
                    int q = (int)Math.Clamp(MathF.Round(values[k * columns + n] / scale, MidpointRounding.ToEven), -7f, 7f) + 8;
                    int i = k - first;
                    packed[offset + i / 2] |= (byte)((i & 1) == 0 ? q : q << 4);
                }

                // Rows past K in the last block hold the zero point, so they add nothing.
                for (int i = last - first; i < BlockSize4Bit; i++)
                {
                    packed[offset + i / 2] |= (byte)((i & 1) == 0 ? 8 : 8 << 4);
                }
            }
        }

        string weightName = b.Name + "_q4", scaleName = b.Name + "_q4_scale";
        initializers.Add(data.Write(weightName, DataType.Uint8, packed, [columns, blocks, BlockSize4Bit / 2]));
        initializers.Add(data.Write(scaleName, DataType.Float, MemoryMarshal.AsBytes(scales.AsSpan()), [columns * blocks]));
        return new QuantizedWeight(weightName, scaleName, rows, columns);
    }

    private static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static NodeProto NewNode(string opType, string name, string domain, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    // Subgraphs (If/Loop bodies) may read outer initializers too.
    private static void CollectInputs(GraphProto graph, HashSet<string> used)
    {
        foreach (NodeProto node in graph.Node)
        {
            used.UnionWith(node.Input);
            foreach (AttributeProto attribute in node.Attribute)
            {
                if (attribute.G is { } g)
                {
                    CollectInputs(g, used);
                }

                foreach (GraphProto sub in attribute.Graphs)
                {
                    CollectInputs(sub, used);
                }
            }
        }

        used.UnionWith(graph.Output.Select(o => o.Name));
    }

    /// <summary>A quantized weight's initializer names and its float shape [K, N].</summary>
    private sealed record QuantizedWeight(string Weight, string Scale, int Rows, int Columns);

    /// <summary>Reads tensors stored inline or in external-data files next to the source model.</summary>
    private sealed class ExternalDataSource(string directory) : IDisposable
    {
        private readonly Dictionary<string, FileStream> _files = new(StringComparer.Ordinal);

        public static bool IsExternal(TensorProto tensor) => tensor.DataLocation == TensorProto.Types.DataLocation.External;

        public float[] ReadFloats(TensorProto tensor, int count)
        {
            var values = new float[count];
            if (IsExternal(tensor))
            {
                (FileStream file, long offset, _) = Open(tensor, (long)count * sizeof(float));
                file.Position = offset;
                file.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else if (!tensor.RawData.IsEmpty)
            {
                Expect(tensor, tensor.RawData.Length == count * sizeof(float));
                MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).CopyTo(values);
            }
            else
            {
                Expect(tensor, tensor.FloatData.Count == count);
                tensor.FloatData.CopyTo(values, 0);
            }

            return values;
        }

        /// <summary>Copies an external tensor's bytes to <paramref name="destination"/>, in blocks (the embedding table is 805 MB).</summary>
        public void CopyTo(TensorProto tensor, Stream destination)
        {
            (FileStream file, long offset, long length) = Open(tensor, expectedLength: null);
            file.Position = offset;
            var buffer = new byte[1 << 20];
            for (long left = length; left > 0;)
            {
                int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (read == 0)
                {
                    throw new InvalidDataException($"External data '{file.Name}' ends inside tensor '{tensor.Name}'.");
                }

                destination.Write(buffer, 0, read);
                left -= read;
            }
        }

        public void Dispose()
        {
            foreach (FileStream file in _files.Values)
            {
                file.Dispose();
            }
        }

        private (FileStream File, long Offset, long Length) Open(TensorProto tensor, long? expectedLength)
        {
            Dictionary<string, string> entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            if (!entries.TryGetValue("location", out string? location) || location.Length == 0)
            {
                throw new InvalidDataException($"Tensor '{tensor.Name}' is external but names no location.");
            }

            if (!_files.TryGetValue(location, out FileStream? file))
            {
                string path = Path.Combine(directory, location);
                if (!File.Exists(path))
                {
                    throw new FileNotFoundException($"External data '{path}' of tensor '{tensor.Name}' does not exist.", path);
                }

                file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                _files.Add(location, file);
            }

            long offset = entries.TryGetValue("offset", out string? o) ? long.Parse(o, CultureInfo.InvariantCulture) : 0;
            long length = entries.TryGetValue("length", out string? l) ? long.Parse(l, CultureInfo.InvariantCulture)
                : expectedLength ?? file.Length - offset;
            if (offset < 0 || offset + length > file.Length || (expectedLength is long expected && expected != length))
            {
                throw new InvalidDataException($"Tensor '{tensor.Name}' points outside '{file.Name}' or has the wrong length.");
            }

            return (file, offset, length);
        }

        private static void Expect(TensorProto tensor, bool condition)
        {
            if (!condition)
            {
                throw new InvalidDataException($"Tensor '{tensor.Name}' holds the wrong number of elements for its shape.");
            }
        }
    }

    /// <summary>The output external-data file: 4096-aligned tensors, like the model factory writes them.</summary>
    private sealed class DataFile(string path, string location) : IDisposable
    {
        private FileStream? _stream;

        public long Length => _stream?.Length ?? 0;

        public TensorProto Write(string name, DataType type, ReadOnlySpan<byte> bytes, long[] dims)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)type };
            tensor.Dims.AddRange(dims);
            if (bytes.Length <= InlineLimit)
            {
                tensor.RawData = ByteString.CopyFrom(bytes);
                return tensor;
            }

            long offset = Align();
            Stream.Write(bytes);
            return Point(tensor, offset);
        }

        /// <summary>Moves an untouched tensor over: inline ones as they are, external ones into this file.</summary>
        public TensorProto Adopt(TensorProto tensor, ExternalDataSource source)
        {
            if (!ExternalDataSource.IsExternal(tensor))
            {
                return tensor;
            }

            long offset = Align();
            source.CopyTo(tensor, Stream);
            var moved = tensor.Clone();
            moved.ExternalData.Clear();
            return Point(moved, offset);
        }

        public void Dispose() => _stream?.Dispose();

        private FileStream Stream => _stream ??= new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);

        private long Align()
        {
            long padding = (Alignment - (Stream.Position % Alignment)) % Alignment;
            if (padding > 0)
            {
                Stream.Write(new byte[padding]);
            }

            return Stream.Position;
        }

        private TensorProto Point(TensorProto tensor, long offset)
        {
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = (Stream.Position - offset).ToString(CultureInfo.InvariantCulture) });
            return tensor;
        }
    }
}
