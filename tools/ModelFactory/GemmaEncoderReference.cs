namespace SkEmbeddingGemma.ModelFactory;

/// <summary>
/// Naive forward pass of the same architecture in plain loops, over weights regenerated from the seed
/// (never read back from a graph). Tests compare ONNX Runtime's output with it to prove the graph
/// computes EmbeddingGemma. Practical for small configs only: all weights are held in memory.
/// </summary>
/// <remarks>Instances are immutable; <see cref="Forward"/> is thread-safe.</remarks>
public sealed class GemmaEncoderReference
{
    private readonly Dictionary<string, float[]> _weights;

    /// <summary>Regenerates every weight of <paramref name="config"/> from <paramref name="seed"/>.</summary>
    /// <param name="config">Architecture shape.</param>
    /// <param name="seed">Seed passed to <see cref="EmbeddingGemmaModelWriter.Write"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is <see langword="null"/>.</exception>
    public GemmaEncoderReference(GemmaEncoderConfig config, int seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        _weights = GemmaWeightLayout.Enumerate(config).ToDictionary(s => s.Name, s => GemmaWeightGenerator.Generate(seed, s), StringComparer.Ordinal);
    }

    /// <summary>The architecture shape.</summary>
    public GemmaEncoderConfig Config { get; }

    /// <summary>Runs the encoder and the sentence-transformers head.</summary>
    /// <param name="inputIds">Token ids, [batch, sequence] row-major.</param>
    /// <param name="attentionMask">1 for tokens, 0 for padding, same layout.</param>
    /// <param name="batchSize">Number of sequences.</param>
    /// <returns>Both model outputs.</returns>
    /// <exception cref="ArgumentException">The arrays do not describe a [batch, sequence] pair.</exception>
    public GemmaEncoderOutput Forward(long[] inputIds, long[] attentionMask, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (batchSize <= 0 || inputIds.Length % batchSize != 0 || attentionMask.Length != inputIds.Length)
        {
            throw new ArgumentException("inputIds and attentionMask must both be [batchSize, sequenceLength].");
        }

        int t = inputIds.Length / batchSize, h = Config.HiddenSize, d = Config.EmbeddingDimensions;
        var hidden = new float[batchSize * t * h];
        var embeddings = new float[batchSize * d];
        for (int b = 0; b < batchSize; b++)
        {
            long[] ids = inputIds[(b * t)..((b + 1) * t)];
            long[] mask = attentionMask[(b * t)..((b + 1) * t)];
            float[] x = Encode(ids, mask);
            x.CopyTo(hidden, b * t * h);
            Head(x, mask).CopyTo(embeddings, b * d);
        }

        return new GemmaEncoderOutput(batchSize, t, hidden, embeddings);
    }

    private float[] Encode(long[] ids, long[] mask)
    {
        GemmaEncoderConfig c = Config;
        int t = ids.Length, h = c.HiddenSize;
        float[] embed = _weights[GemmaWeightLayout.EmbedTokens];
        float normalizer = MathF.Sqrt(h);
        var x = new float[t * h];
        for (int i = 0; i < t; i++)
        {
            for (int j = 0; j < h; j++)
            {
                x[(i * h) + j] = embed[(ids[i] * h) + j] * normalizer;
            }
        }

        for (int layer = 0; layer < c.NumHiddenLayers; layer++)
        {
            float[] W(string suffix) => _weights[GemmaWeightLayout.Layer(layer, suffix)];
            float[] attention = Attention(RmsNorm(x, h, W("input_layernorm.weight")), mask, layer);
            Accumulate(x, RmsNorm(attention, h, W("post_attention_layernorm.weight")));
            float[] f = RmsNorm(x, h, W("pre_feedforward_layernorm.weight"));
            float[] gate = MatMul(f, t, h, W("mlp.gate_proj.weight"), c.IntermediateSize);
            float[] up = MatMul(f, t, h, W("mlp.up_proj.weight"), c.IntermediateSize);
            for (int i = 0; i < gate.Length; i++)
            {
                gate[i] = GeluTanh(gate[i]) * up[i];
            }

            float[] mlp = MatMul(gate, t, c.IntermediateSize, W("mlp.down_proj.weight"), h);
            Accumulate(x, RmsNorm(mlp, h, W("post_feedforward_layernorm.weight")));
        }

        return RmsNorm(x, h, _weights[GemmaWeightLayout.FinalNorm]);
    }

    private float[] Attention(float[] x, long[] mask, int layer)
    {
        GemmaEncoderConfig c = Config;
        int t = mask.Length, h = c.HiddenSize, heads = c.NumAttentionHeads, kvHeads = c.NumKeyValueHeads, hd = c.HeadDim;
        float[] W(string suffix) => _weights[GemmaWeightLayout.Layer(layer, suffix)];
        bool sliding = c.IsSlidingLayer(layer);
        float[] q = RmsNorm(MatMul(x, t, h, W("self_attn.q_proj.weight"), heads * hd), hd, W("self_attn.q_norm.weight"));
        float[] k = RmsNorm(MatMul(x, t, h, W("self_attn.k_proj.weight"), kvHeads * hd), hd, W("self_attn.k_norm.weight"));
        float[] v = MatMul(x, t, h, W("self_attn.v_proj.weight"), kvHeads * hd);
        float theta = sliding ? c.RopeLocalBaseFreq : c.RopeTheta;
        ApplyRope(q, t, heads, hd, theta);
        ApplyRope(k, t, kvHeads, hd, theta);

        float scale = 1f / MathF.Sqrt(c.QueryPreAttnScalar);
        var context = new float[t * heads * hd];
        var scores = new float[t];
        for (int head = 0; head < heads; head++)
        {
            int kvHead = head / (heads / kvHeads); // repeat_kv: consecutive query heads share a KV head
            for (int i = 0; i < t; i++)
            {
                float max = float.MinValue;
                for (int j = 0; j < t; j++)
                {
                    bool allowed = mask[j] != 0 && (!sliding || Math.Abs(i - j) <= c.SlidingHalfWindow);
                    scores[j] = allowed ? (float)Dot(q, ((i * heads) + head) * hd, k, ((j * kvHeads) + kvHead) * hd, hd) * scale : float.MinValue;
                    max = Math.Max(max, scores[j]);
                }

                // Fully masked rows softmax to uniform weights, like the graph's finite mask value.
                double sum = 0;
                for (int j = 0; j < t; j++)
                {
                    sum += Math.Exp(scores[j] - (double)max);
                }

                for (int j = 0; j < t; j++)
                {
                    double p = Math.Exp(scores[j] - (double)max) / sum;
                    if (p == 0)
                    {
                        continue;
                    }

                    int o = ((i * heads) + head) * hd, vo = ((j * kvHeads) + kvHead) * hd;
                    for (int e = 0; e < hd; e++)
                    {
                        context[o + e] += (float)(p * v[vo + e]);
                    }
                }
            }
        }

        return MatMul(context, t, heads * hd, W("self_attn.o_proj.weight"), h);
    }

    private float[] Head(float[] hidden, long[] mask)
    {
        GemmaEncoderConfig c = Config;
        int h = c.HiddenSize;
        var pooled = new float[h];
        double count = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            count += mask[i];
        }

        for (int j = 0; j < h; j++)
        {
            double sum = 0;
            for (int i = 0; i < mask.Length; i++)
            {
                sum += hidden[(i * h) + j] * (double)mask[i];
            }

            pooled[j] = (float)(sum / Math.Max(count, 1e-9));
        }

        float[] dense = MatMul(MatMul(pooled, 1, h, _weights[GemmaWeightLayout.Dense0], c.DenseIntermediateSize), 1, c.DenseIntermediateSize, _weights[GemmaWeightLayout.Dense1], c.EmbeddingDimensions);
        double norm = Math.Sqrt(Dot(dense, 0, dense, 0, dense.Length));
        for (int i = 0; i < dense.Length; i++)
        {
            dense[i] = (float)(dense[i] / Math.Max(norm, 1e-12));
        }

        return dense;
    }

    // rotate_half layout: pairs (e, e + hd/2), angle = position * base^(-2e/hd), in float32 like HF.
    private static void ApplyRope(float[] x, int t, int heads, int hd, float theta)
    {
        int half = hd / 2;
        for (int e = 0; e < half; e++)
        {
            float inverseFrequency = 1f / MathF.Pow(theta, 2 * e / (float)hd);
            for (int i = 0; i < t; i++)
            {
                float angle = i * inverseFrequency;
                float cos = MathF.Cos(angle), sin = MathF.Sin(angle);
                for (int head = 0; head < heads; head++)
                {
                    int o = ((i * heads) + head) * hd;
                    float a = x[o + e], b = x[o + e + half];
                    x[o + e] = (a * cos) - (b * sin);
                    x[o + e + half] = (b * cos) + (a * sin);
                }
            }
        }
    }

    // Gemma RMSNorm over consecutive groups of n values: x / sqrt(mean(x^2) + eps) * (1 + w).
    private float[] RmsNorm(float[] x, int n, float[] weight)
    {
        var y = new float[x.Length];
        for (int row = 0; row < x.Length; row += n)
        {
            double meanSquare = Dot(x, row, x, row, n) / n;
            double inverse = 1.0 / Math.Sqrt(meanSquare + Config.RmsNormEps);
            for (int j = 0; j < n; j++)
            {
                y[row + j] = (float)(x[row + j] * inverse * (1.0 + weight[j]));
            }
        }

        return y;
    }

    private static float GeluTanh(float x) =>
        (float)(0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + (0.044715 * x * x * x)))));

    // a [rows, inDim] times w [inDim, outDim] (weights are stored pre-transposed).
    private static float[] MatMul(float[] a, int rows, int inDim, float[] w, int outDim)
    {
        var y = new float[rows * outDim];
        var acc = new double[outDim];
        for (int r = 0; r < rows; r++)
        {
            Array.Clear(acc);
            for (int i = 0; i < inDim; i++)
            {
                double av = a[(r * inDim) + i];
                int wo = i * outDim;
                for (int o = 0; o < outDim; o++)
                {
                    acc[o] += av * w[wo + o];
                }
            }

            for (int o = 0; o < outDim; o++)
            {
                y[(r * outDim) + o] = (float)acc[o];
            }
        }

        return y;
    }

    private static double Dot(float[] a, int ao, float[] b, int bo, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += a[ao + i] * (double)b[bo + i];
        }

        return sum;
    }

    private static void Accumulate(float[] x, float[] delta)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] += delta[i];
        }
    }
}
