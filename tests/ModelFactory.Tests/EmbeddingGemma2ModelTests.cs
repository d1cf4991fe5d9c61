using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SkEmbeddingGemma.Quantization.Onnx;
using SkEmbeddingGemma.TestSupport;
using SkEmbeddingGemma.Tokenization;

namespace SkEmbeddingGemma.ModelFactory;

/// <summary>The tiny EmbeddingGemma 2 folder: layout, ONNX Runtime behaviour, and transformers.js 4.3.1 as the reference.</summary>
public sealed class EmbeddingGemma2ModelTests
{
    private static readonly EmbeddingGemma2Config s_tiny = EmbeddingGemma2Config.Tiny;

    private static readonly string[] s_texts =
    [
        "task: search result | query: what does a sliding window see?",
        "title: none | text: A longer document, long enough that the sliding radius of the tiny model is far shorter than the text itself.",
        "task: code retrieval | query: héllo wörld, 你好 👋 tab\there",
    ];

    [Fact]
    public void Folder_has_the_upstream_layout_config_and_io()
    {
        string folder = TestModels.EnsureTinyEmbeddingGemma2Model();
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, "onnx", "model.onnx")));
        Assert.Equal([(string.Empty, 17L), ("com.microsoft", 1L)], model.OpsetImport.Select(o => (o.Domain, o.Version)));
        NodeProto[] contrib = [.. model.Graph.Node.Where(n => n.Domain.Length > 0)];
        Assert.Equal(2 * s_tiny.NumHiddenLayers, contrib.Length); // RoPE on q and k of every layer, as in the upstream export
        Assert.All(contrib, n => Assert.Equal(("com.microsoft", "RotaryEmbedding"), (n.Domain, n.OpType)));
        Assert.Equal(["input_ids", "attention_mask", "image_features", "video_features", "audio_features"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(["sentence_embedding", "last_hidden_state"], model.Graph.Output.Select(o => o.Name));
        Assert.Equal(768, model.Graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue);
        Assert.Equal(768, model.Graph.Output[1].Type.TensorType.Shape.Dim[2].DimValue);
        foreach (ValueInfoProto media in model.Graph.Input.Skip(2))
        {
            Assert.Equal((int)TensorProto.Types.DataType.Float, media.Type.TensorType.ElemType);
            Assert.Equal(s_tiny.HiddenSize, media.Type.TensorType.Shape.Dim[1].DimValue);
            Assert.Contains(model.Graph.Node, n => n.Input.Contains(media.Name)); // consumed, so ONNX Runtime keeps the input
        }

        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json")));
        JsonElement c = config.RootElement;
        Assert.Equal("embedding_gemma2", c.GetProperty("model_type").GetString());
        Assert.Equal("EmbeddingGemma2Model", c.GetProperty("architectures")[0].GetString());
        Assert.Equal((258880, 258881, 258884), (c.GetProperty("image_token_id").GetInt32(), c.GetProperty("audio_token_id").GetInt32(), c.GetProperty("video_token_id").GetInt32()));
        Assert.Equal((255999, 258882, 256000, 258883), (c.GetProperty("boi_token_id").GetInt32(), c.GetProperty("eoi_token_id").GetInt32(),
            c.GetProperty("boa_token_id").GetInt32(), c.GetProperty("eoa_token_index").GetInt32()));
        Assert.True(c.GetProperty("transformers.js_config").GetProperty("use_external_data_format").GetBoolean());
        JsonElement text = c.GetProperty("text_config");
        Assert.Equal("embedding_gemma2_text", text.GetProperty("model_type").GetString());
        Assert.Equal((262144, 32, 768, 4), (text.GetProperty("vocab_size").GetInt32(), text.GetProperty("hidden_size").GetInt32(),
            text.GetProperty("embedding_dim").GetInt32(), text.GetProperty("sliding_window").GetInt32()));
        Assert.Equal(["sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "full_attention"],
            text.GetProperty("layer_types").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(32, text.GetProperty("per_layer_config").GetProperty("05").GetProperty("head_dim").GetInt32());

        using JsonDocument st = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config_sentence_transformers.json")));
        JsonElement prompts = st.RootElement.GetProperty("prompts");
        Assert.Equal(20, prompts.EnumerateObject().Count());
        Assert.Equal("task: code retrieval | query: ", prompts.GetProperty("CodeRetrieval").GetString());
        using JsonDocument sbert = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "sentence_bert_config.json")));
        Assert.Equal(8192, sbert.RootElement.GetProperty("max_seq_length").GetInt32());
        using JsonDocument modules = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "modules.json")));
        Assert.Equal(["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling", "sentence_transformers.models.Normalize"],
            modules.RootElement.EnumerateArray().Select(m => m.GetProperty("type").GetString()));

        using JsonDocument tokenizerConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")));
        JsonElement t = tokenizerConfig.RootElement;
        Assert.True(t.GetProperty("add_bos_token").GetBoolean() && t.GetProperty("add_eos_token").GetBoolean());
        Assert.All(EmbeddingGemma2TestTokenizer.MediaTokens, m => Assert.Equal(m.Token, t.GetProperty(m.Key).GetString()));
    }

    [Fact]
    public void Ort_embeds_text_with_empty_media_as_the_normalized_mean_of_last_hidden_state()
    {
        using InferenceSession session = OrtRunner.Open(Path.Combine(TestModels.EnsureTinyEmbeddingGemma2Model(), "onnx", "model.onnx"));
        TokenBatch batch = TokenBatch.Pad(TextTokens(1, 12), TextTokens(2, 7));
        (float[] embedding, float[] hidden) = EmbeddingGemma2Runner.Run(session, batch, s_tiny.HiddenSize);

        Assert.Equal(2 * 768, embedding.Length);
        Assert.Equal(2 * 12 * 768, hidden.Length);
        for (int b = 0; b < 2; b++)
        {
            var mean = new double[768];
            int count = 0;
            for (int i = 0; i < batch.SequenceLength; i++)
            {
                if (batch.Mask[(b * batch.SequenceLength) + i] == 0)
                {
                    continue;
                }

                count++;
                for (int d = 0; d < 768; d++)
                {
                    mean[d] += hidden[(((b * batch.SequenceLength) + i) * 768) + d];
                }
            }

            double norm = Math.Sqrt(mean.Sum(v => v * v));
            float[] row = embedding.AsSpan(b * 768, 768).ToArray();
            Assert.Equal(1.0, Math.Sqrt(row.Sum(v => (double)v * v)), 5);
            Assert.True(GemmaEncoderGraphTests.MaxAbsDiff(row, [.. mean.Select(v => (float)(v / norm))]) < 1e-5);
            Assert.True(count > 0);
        }
    }

    [Fact]
    public void Padding_in_a_batch_does_not_change_an_embedding()
    {
        using InferenceSession session = OrtRunner.Open(Path.Combine(TestModels.EnsureTinyEmbeddingGemma2Model(), "onnx", "model.onnx"));
        long[] shortText = TextTokens(3, 6), longText = TextTokens(4, 23);
        float[] alone = EmbeddingGemma2Runner.Run(session, TokenBatch.Pad(shortText), s_tiny.HiddenSize).Embedding;
        float[] padded = EmbeddingGemma2Runner.Run(session, TokenBatch.Pad(longText, shortText), s_tiny.HiddenSize).Embedding;
        Assert.True(GemmaEncoderGraphTests.MaxAbsDiff(alone, padded.AsSpan(768, 768).ToArray()) < 1e-5);
    }

    [Fact]
    public void Sliding_layers_see_an_inclusive_radius()
    {
        // Same weights (same seed, same shapes), radius 4 against a radius no text reaches: texts whose farthest pair
        // is 4 apart must match exactly; one more token must differ, because distance 5 is then masked.
        string narrow = ModelWriterTests.TempDirectory(), wide = ModelWriterTests.TempDirectory();
        try
        {
            EmbeddingGemma2ModelWriter.Write(narrow, s_tiny, 5, tokenizerDirectory: null);
            EmbeddingGemma2ModelWriter.Write(wide, s_tiny with { SlidingWindow = 1000 }, 5, tokenizerDirectory: null);
            using InferenceSession narrowSession = OrtRunner.Open(Path.Combine(narrow, "onnx", "model.onnx"));
            using InferenceSession wideSession = OrtRunner.Open(Path.Combine(wide, "onnx", "model.onnx"));
            double Difference(int length)
            {
                TokenBatch batch = TokenBatch.Pad(TextTokens(6, length));
                return GemmaEncoderGraphTests.MaxAbsDiff(
                    EmbeddingGemma2Runner.Run(narrowSession, batch, s_tiny.HiddenSize).Embedding,
                    EmbeddingGemma2Runner.Run(wideSession, batch, s_tiny.HiddenSize).Embedding);
            }

            Assert.Equal(0.0, Difference(5));
            Assert.True(Difference(6) > 1e-4);
        }
        finally
        {
            Directory.Delete(narrow, true);
            Directory.Delete(wide, true);
        }
    }

    [Fact]
    public void Contrib_rotary_embedding_matches_plain_onnx_rope()
    {
        string contrib = ModelWriterTests.TempDirectory(), plain = ModelWriterTests.TempDirectory();
        try
        {
            EmbeddingGemma2ModelWriter.Write(contrib, s_tiny, 9, tokenizerDirectory: null);
            EmbeddingGemma2ModelWriter.Write(plain, s_tiny with { UseRotaryEmbeddingContribOp = false }, 9, tokenizerDirectory: null);
            ModelProto plainModel = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(plain, "onnx", "model.onnx")));
            Assert.All(plainModel.Graph.Node, n => Assert.Equal(string.Empty, n.Domain));
            Assert.Single(plainModel.OpsetImport);

            using InferenceSession contribSession = OrtRunner.Open(Path.Combine(contrib, "onnx", "model.onnx"));
            using InferenceSession plainSession = OrtRunner.Open(Path.Combine(plain, "onnx", "model.onnx"));
            TokenBatch batch = TokenBatch.Pad(TextTokens(10, 17), TextTokens(11, 9));
            (float[] contribEmbedding, float[] contribHidden) = EmbeddingGemma2Runner.Run(contribSession, batch, s_tiny.HiddenSize);
            (float[] plainEmbedding, float[] plainHidden) = EmbeddingGemma2Runner.Run(plainSession, batch, s_tiny.HiddenSize);
            Assert.True(GemmaEncoderGraphTests.MaxAbsDiff(contribEmbedding, plainEmbedding) < 1e-5);
            Assert.True(GemmaEncoderGraphTests.MaxAbsDiff(contribHidden, plainHidden) < 1e-4);
        }
        finally
        {
            Directory.Delete(contrib, true);
            Directory.Delete(plain, true);
        }
    }

    [Fact]
    public void Image_features_replace_placeholders_in_row_major_order_over_the_batch()
    {
        using InferenceSession session = OrtRunner.Open(Path.Combine(TestModels.EnsureTinyEmbeddingGemma2Model(), "onnx", "model.onnx"));
        long[] tokens = TextTokens(7, 9);
        tokens[3] = EmbeddingGemma2TestTokenizer.MediaTokens.Single(m => m.Key == "image_token").Id;
        TokenBatch batch = TokenBatch.Pad(tokens, tokens);
        int h = s_tiny.HiddenSize;
        var random = new Random(8);
        float[] first = [.. Enumerable.Range(0, h).Select(_ => (float)random.NextDouble())];
        float[] second = [.. Enumerable.Range(0, h).Select(_ => (float)random.NextDouble())];

        float[] forward = EmbeddingGemma2Runner.Run(session, batch, h, [.. first, .. second]).Embedding;
        float[] swapped = EmbeddingGemma2Runner.Run(session, batch, h, [.. second, .. first]).Embedding;

        Assert.True(GemmaEncoderGraphTests.MaxAbsDiff(forward.AsSpan(0, 768).ToArray(), forward.AsSpan(768, 768).ToArray()) > 1e-4);
        Assert.True(GemmaEncoderGraphTests.MaxAbsDiff(forward.AsSpan(0, 768).ToArray(), swapped.AsSpan(768, 768).ToArray()) < 1e-6);
        Assert.True(GemmaEncoderGraphTests.MaxAbsDiff(forward.AsSpan(768, 768).ToArray(), swapped.AsSpan(0, 768).ToArray()) < 1e-6);
    }

    [Fact]
    public async Task TransformersJs_loads_the_folder_and_matches_ids_and_embeddings()
    {
        string folder = TestModels.EnsureTinyEmbeddingGemma2Model();
        string work = ModelWriterTests.TempDirectory();
        Directory.CreateDirectory(work);
        try
        {
            string input = Path.Combine(work, "input.json"), output = Path.Combine(work, "output.json");
            string special = string.Concat(EmbeddingGemma2TestTokenizer.MediaTokens.Select(m => m.Token));
            await File.WriteAllTextAsync(input, JsonSerializer.Serialize(new { texts = s_texts, special, dimensions = new[] { 128 } }));
            await NodeReference.RunScriptAsync("embed2.mjs", folder, input, output);
            using JsonDocument result = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            JsonElement r = result.RootElement;

            Assert.Equal("EmbeddingGemma2Model", r.GetProperty("modelClass").GetString());
            Assert.Equal(["input_ids", "attention_mask", "image_features", "video_features", "audio_features"],
                r.GetProperty("inputNames").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(EmbeddingGemma2TestTokenizer.MediaTokens.Select(m => m.Id), r.GetProperty("specialIds").EnumerateArray().Select(e => e.GetInt32()));

            GemmaTokenizer tokenizer = GemmaTokenizer.FromDirectory(folder);
            using InferenceSession session = OrtRunner.Open(Path.Combine(folder, "onnx", "model.onnx"));
            JsonElement[] single = [.. r.GetProperty("single").EnumerateArray()];
            JsonElement[] batch = [.. r.GetProperty("batch").EnumerateArray()];
            for (int i = 0; i < s_texts.Length; i++)
            {
                int[] ids = [.. single[i].GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())];
                Assert.Equal(tokenizer.EncodeFramed(s_texts[i], 8192, out _), ids);
                Assert.Equal((2, 1), (ids[0], ids[^1]));

                float[] ort = EmbeddingGemma2Runner.Run(session, TokenBatch.Pad([.. ids.Select(id => (long)id)]), s_tiny.HiddenSize).Embedding;
                float[] reference = [.. single[i].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle())];
                float[] referenceBatched = [.. batch[i].EnumerateArray().Select(e => e.GetSingle())];
                Assert.True(GemmaEncoderGraphTests.MaxAbsDiff(ort, reference) < 1e-5, $"text {i}");
                Assert.True(GemmaEncoderGraphTests.MaxAbsDiff(ort, referenceBatched) < 1e-5, $"text {i} in a padded batch");
                float[] prefix = [.. single[i].GetProperty("embeddings").GetProperty("128").EnumerateArray().Select(e => e.GetSingle())];
                float norm = MathF.Sqrt(ort.Take(128).Sum(v => v * v));
                Assert.True(GemmaEncoderGraphTests.MaxAbsDiff([.. ort.Take(128).Select(v => v / norm)], prefix) < 1e-5, $"text {i} at 128");
            }
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }

    // BOS, ordinary ids below every media token, EOS: plain text as a tokenizer would frame it.
    private static long[] TextTokens(int seed, int length)
    {
        long[] ids = TokenBatch.RandomTokens(seed, length, EmbeddingGemma2TestTokenizer.MediaTokens.Min(m => m.Id));
        ids[^1] = 1;
        return ids;
    }
}
