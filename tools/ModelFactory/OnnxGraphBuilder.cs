using System.Runtime.InteropServices;
using Google.Protobuf;
using SkEmbeddingGemma.Quantization.Onnx;
using DataType = SkEmbeddingGemma.Quantization.Onnx.TensorProto.Types.DataType;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Small fluent builder over the ONNX protobuf types: graph inputs/outputs, initializers and nodes.
/// Node methods return generated output names so graph code reads like the math.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly Dictionary<string, int> _nameCounts = new(StringComparer.Ordinal);
    private bool _usesMicrosoftDomain;

    public OnnxGraphBuilder(string graphName) => _graph = new GraphProto { Name = graphName };

    /// <summary>Adds a graph input. Each dimension is a symbolic name (string) or a fixed size (int/long).</summary>
    public OnnxGraphBuilder AddInput(string name, DataType type, params object[] dims)
    {
        _graph.Input.Add(ValueInfo(name, type, dims));
        return this;
    }

    /// <inheritdoc cref="AddInput"/>
    public OnnxGraphBuilder AddOutput(string name, DataType type, params object[] dims)
    {
        _graph.Output.Add(ValueInfo(name, type, dims));
        return this;
    }

    public OnnxGraphBuilder AddInitializer(TensorProto tensor)
    {
        _graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>Adds a single-output node and returns its output name.</summary>
    public string Node(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> generated outputs.</summary>
    public string[] Node(string opType, IEnumerable<string> inputs, int outputCount, params AttributeProto[] attributes)
    {
        string nodeName = Unique(opType);
        var outputs = new string[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            outputs[i] = outputCount == 1 ? nodeName : $"{nodeName}_{i}";
        }

        NodeNamed(opType, inputs, outputs, attributes, nodeName);
        return outputs;
    }

    /// <summary>
    /// Adds a single-output ONNX Runtime contrib node (domain <c>com.microsoft</c>, which <see cref="Build"/> then imports)
    /// and returns its output name.
    /// </summary>
    public string MicrosoftNode(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = Node(opType, inputs, attributes);
        _graph.Node[^1].Domain = "com.microsoft";
        _usesMicrosoftDomain = true;
        return output;
    }

    /// <summary>Adds a node whose outputs have fixed names (graph outputs, for instance).</summary>
    public OnnxGraphBuilder NodeNamed(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, AttributeProto[] attributes, string? nodeName = null)
    {
        var node = new NodeProto { OpType = opType, Name = nodeName ?? Unique(opType) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return this;
    }

    /// <summary>Adds an inline int64 constant initializer; an empty <paramref name="dims"/> makes a scalar.</summary>
    public string ConstInt64(long[] values, params long[] dims) =>
        Inline(Unique("const_i64"), DataType.Int64, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    /// <summary>Adds an inline float scalar constant.</summary>
    public string ConstFloat(float value)
    {
        Span<float> one = [value];
        return Inline(Unique("const_f32"), DataType.Float, MemoryMarshal.AsBytes(one), []);
    }

    /// <summary>Adds an inline float constant of the given shape.</summary>
    public string ConstFloats(string name, float[] values, params long[] dims) =>
        Inline(Unique(name), DataType.Float, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public ModelProto Build(long irVersion, long opsetVersion, string producerName, string producerVersion)
    {
        var model = new ModelProto
        {
            IrVersion = irVersion,
            ProducerName = producerName,
            ProducerVersion = producerVersion,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opsetVersion });
        if (_usesMicrosoftDomain)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        }
        return model;
    }

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private string Inline(string name, DataType type, ReadOnlySpan<byte> bytes, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    private string Unique(string prefix)
    {
        _nameCounts.TryGetValue(prefix, out int n);
        _nameCounts[prefix] = n + 1;
        return $"{prefix}_{n}";
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string param => new TensorShapeProto.Types.Dimension { DimParam = param },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"Unsupported dimension {dim}.", nameof(dims)),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
