using SkEmbeddingGemma.TestSupport;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkEmbeddingGemma.Quantization.Onnx;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>Folder layout, ONNX file format and determinism of <see cref="EmbeddingGemmaModelWriter"/>.</summary>
public sealed class ModelWriterTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private static readonly HashSet<string> s_plainOps =
    [
        "Abs", "Add", "And", "Cast", "Concat", "Cos", "Div", "Gather", "Identity", "LessOrEqual", "MatMul", "Max", "Mul", "Neg", "Pow",
        "Range", "ReduceMean", "ReduceSum", "Reshape", "Shape", "Sin", "Softmax", "Split", "Sqrt", "Sub", "Tanh", "Transpose", "Unsqueeze", "Where",
    ];

    [Fact]
    public void Graph_is_opset17_ir8_with_onnx_community_io_and_aligned_external_data()
    {
        string onnxDirectory = Path.Combine(fixture.Directory, "onnx");
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(onnxDirectory, "model.onnx")));

        Assert.Equal(8, model.IrVersion);
        OperatorSetIdProto opset = Assert.Single(model.OpsetImport);
        Assert.Equal((string.Empty, 17L), (opset.Domain, opset.Version));
        Assert.All(model.Graph.Node, n => Assert.True(n.Domain.Length == 0 && s_plainOps.Contains(n.OpType), n.OpType));
        Assert.Equal(["input_ids", "attention_mask"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(["last_hidden_state", "sentence_embedding"], model.Graph.Output.Select(o => o.Name));
        Assert.Equal(["batch_size", "sequence_length"], model.Graph.Input[0].Type.TensorType.Shape.Dim.Select(d => d.DimParam));
        Assert.Equal((int)TensorProto.Types.DataType.Int64, model.Graph.Input[1].Type.TensorType.ElemType);
        Assert.Equal(64, model.Graph.Output[0].Type.TensorType.Shape.Dim[2].DimValue);
        Assert.Equal(64, model.Graph.Output[1].Type.TensorType.Shape.Dim[1].DimValue);

        long dataLength = new FileInfo(Path.Combine(onnxDirectory, "model.onnx_data")).Length;
        TensorProto[] external = [.. model.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External)];
        Assert.Equal(GemmaWeightLayout.Enumerate(GemmaEncoderConfig.Tiny).Count, external.Length);
        foreach (TensorProto tensor in external)
        {
            Dictionary<string, string> entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value);
            long offset = long.Parse(entries["offset"], System.Globalization.CultureInfo.InvariantCulture);
            long length = long.Parse(entries["length"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("model.onnx_data", entries["location"]);
            Assert.Equal(0, offset % 4096);
            Assert.Equal(tensor.Dims.Aggregate(4L, (a, d) => a * d), length);
            Assert.True(offset + length <= dataLength);
        }
    }

    [Fact]
    public void Config_files_describe_gemma3_text_and_sentence_transformers()
    {
        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.Directory, "config.json")));
        JsonElement c = config.RootElement;
        Assert.Equal("gemma3_text", c.GetProperty("model_type").GetString());
        Assert.Equal("Gemma3TextModel", c.GetProperty("architectures")[0].GetString());
        Assert.Equal(262144, c.GetProperty("vocab_size").GetInt32());
        Assert.Equal(64, c.GetProperty("hidden_size").GetInt32());
        Assert.Equal(512, c.GetProperty("sliding_window").GetInt32());
        Assert.True(c.GetProperty("use_bidirectional_attention").GetBoolean());
        Assert.Equal(1e-6, c.GetProperty("rms_norm_eps").GetDouble(), 12);
        Assert.Equal(["sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "full_attention"],
            c.GetProperty("layer_types").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal((2, 1, 0), (c.GetProperty("bos_token_id").GetInt32(), c.GetProperty("eos_token_id").GetInt32(), c.GetProperty("pad_token_id").GetInt32()));

        using JsonDocument st = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.Directory, "config_sentence_transformers.json")));
        JsonElement prompts = st.RootElement.GetProperty("prompts");
        Assert.Equal("task: search result | query: ", prompts.GetProperty("query").GetString());
        Assert.Equal("title: none | text: ", prompts.GetProperty("document").GetString());
        Assert.Equal("task: sentence similarity | query: ", prompts.GetProperty("STS").GetString());
        Assert.Equal(14, prompts.EnumerateObject().Count());
        Assert.Equal(JsonValueKind.Null, st.RootElement.GetProperty("default_prompt_name").ValueKind);
        Assert.Equal("cosine", st.RootElement.GetProperty("similarity_fn_name").GetString());

        using JsonDocument modules = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.Directory, "modules.json")));
        Assert.Equal(5, modules.RootElement.GetArrayLength());
        Assert.Equal("sentence_transformers.models.Normalize", modules.RootElement[4].GetProperty("type").GetString());
    }

    [Fact]
    public void Fp16_variant_has_float16_weights_and_outputs_close_to_float32()
    {
        string path = Path.Combine(fixture.Directory, "onnx", "model_fp16.onnx");
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.All(model.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External),
            t => Assert.Equal((int)TensorProto.Types.DataType.Float16, t.DataType));

        using InferenceSession session = OrtRunner.Open(path);
        Assert.Equal(TensorElementType.Float16, session.OutputMetadata["sentence_embedding"].ElementDataType);
        Assert.Equal(TensorElementType.Float16, session.OutputMetadata["last_hidden_state"].ElementDataType);

        TokenBatch batch = TokenBatch.Pad(TokenBatch.RandomTokens(20, 30, GemmaEncoderConfig.Tiny.VocabSize));
        using OrtValue ids = OrtValue.CreateTensorValueFromMemory(batch.Ids, [1, 30]);
        using OrtValue mask = OrtValue.CreateTensorValueFromMemory(batch.Mask, [1, 30]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, ["input_ids", "attention_mask"], [ids, mask], ["sentence_embedding"]);
        float[] half = [.. outputs[0].GetTensorDataAsSpan<Float16>().ToArray().Select(v => (float)(Half)BitConverter.UInt16BitsToHalf(v.value))];
        (_, float[] full) = OrtRunner.Run(fixture.Session, batch.Ids, batch.Mask, 1);
        Assert.True(GemmaEncoderGraphTests.MaxAbsDiff(full, half) < 0.05);
    }

    [Fact]
    public void Same_seed_writes_identical_bytes_and_other_seeds_differ()
    {
        string a = TempDirectory(), b = TempDirectory(), c = TempDirectory();
        try
        {
            EmbeddingGemmaModelWriter.Write(a, GemmaEncoderConfig.Tiny, 7, null, ModelVariants.Float32);
            EmbeddingGemmaModelWriter.Write(b, GemmaEncoderConfig.Tiny, 7, null, ModelVariants.Float32);
            EmbeddingGemmaModelWriter.Write(c, GemmaEncoderConfig.Tiny, 8, null, ModelVariants.Float32);

            foreach (string file in new[] { "onnx/model.onnx", "onnx/model.onnx_data", "config.json" })
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)));
            }

            Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "onnx/model.onnx_data")), File.ReadAllBytes(Path.Combine(c, "onnx/model.onnx_data")));

            TokenBatch batch = TokenBatch.Pad(TokenBatch.RandomTokens(21, 25, GemmaEncoderConfig.Tiny.VocabSize));
            using InferenceSession sessionA = OrtRunner.Open(Path.Combine(a, "onnx", "model.onnx"));
            using InferenceSession sessionC = OrtRunner.Open(Path.Combine(c, "onnx", "model.onnx"));
            Assert.True(GemmaEncoderGraphTests.MaxAbsDiff(OrtRunner.Run(sessionA, batch.Ids, batch.Mask, 1).Embedding, OrtRunner.Run(sessionC, batch.Ids, batch.Mask, 1).Embedding) > 0.1);
        }
        finally
        {
            Directory.Delete(a, true);
            Directory.Delete(b, true);
            Directory.Delete(c, true);
        }
    }

    [Fact]
    public void Tokenizer_files_are_copied_when_present()
    {
        string tokenizer = TempDirectory(), model = TempDirectory();
        try
        {
            Directory.CreateDirectory(tokenizer);
            File.WriteAllText(Path.Combine(tokenizer, "tokenizer.json"), "{}");
            File.WriteAllText(Path.Combine(tokenizer, "tokenizer_config.json"), "{\"a\":1}");
            File.WriteAllText(Path.Combine(tokenizer, "unrelated.txt"), "x");

            EmbeddingGemmaModelWriter.Write(model, GemmaEncoderConfig.Tiny, 1, tokenizer, ModelVariants.None);

            Assert.Equal("{\"a\":1}", File.ReadAllText(Path.Combine(model, "tokenizer_config.json")));
            Assert.True(File.Exists(Path.Combine(model, "tokenizer.json")));
            Assert.False(File.Exists(Path.Combine(model, "tokenizer.model")));
            Assert.False(File.Exists(Path.Combine(model, "unrelated.txt")));
            Assert.False(File.Exists(Path.Combine(model, "onnx", "model.onnx")));
        }
        finally
        {
            Directory.Delete(tokenizer, true);
            Directory.Delete(model, true);
        }
    }

    [Fact]
    public void Missing_tokenizer_directory_throws()
    {
        Assert.Throws<DirectoryNotFoundException>(() =>
            EmbeddingGemmaModelWriter.Write(TempDirectory(), GemmaEncoderConfig.Tiny, 1, "/nonexistent/tokenizer", ModelVariants.Float32));
    }

    internal static string TempDirectory() => Path.Combine(Path.GetTempPath(), "skeg-mf-" + Guid.NewGuid().ToString("N"));
}
