// transformers.js peer for the benchmark: the same corpus, sorted by length, padded batches, document prompt.
// Usage: node bench.mjs <model folder> <input.json> <output.json>
// input.json: { "prompt": "...", "batchSize": 8, "threads": 2 (optional: ONNX Runtime's intra-op threads), "texts": [...],
//               "maxLength": 2048 (optional: the model's token limit), "textOnly": true (optional: a multimodal
//               EmbeddingGemma 2 folder run on its text graph alone, as its documentation says),
//               "tokenizeOnly": true (optional: only "ids", no model) }
// output.json: { "loadSeconds": s, "seconds": s, "tokens": n, "embeddings": [[...], ...] (in input order),
//                "ids": [[...], ...] (the ids each text ran with, in input order),
//                "peakRssBytes": n (the node process's peak resident set) }
// Over-long texts are cut as sentence-transformers cuts them: <bos> + the first maxLength - 2 tokens + <eos>.
// transformers.js's own `truncation: true` cuts the finished ids, so it drops <eos>: the two sides would then embed
// different ids, and the comparison would measure the truncation, not the engines.
import { AutoConfig, AutoTokenizer, AutoModel, Tensor } from '@huggingface/transformers';
import { readFileSync, writeFileSync } from 'node:fs';
import { localModel } from './local-model.mjs';

const [folder, input, output] = process.argv.slice(2);
const name = localModel(folder);
const request = JSON.parse(readFileSync(input, 'utf8'));

const loadStart = performance.now();
const tokenizer = await AutoTokenizer.from_pretrained(name, { local_files_only: true });
const maxLength = request.maxLength ?? 2048;
const [eos] = tokenizer.encode('<eos>', { add_special_tokens: false });
const encode = (text) => {
  const ids = tokenizer.encode(text);
  return ids.length > maxLength ? [...ids.slice(0, maxLength - 1), eos] : ids;
};
if (request.tokenizeOnly) {
  writeFileSync(output, JSON.stringify({ ids: request.texts.map((t) => encode(request.prompt + t)) }));
  process.exit(0);
}
// Without threads the peer runs as its users run it: onnxruntime-node picks its own thread count.
const session_options = request.threads ? { intraOpNumThreads: request.threads } : undefined;
let config;
if (request.textOnly) {
  config = await AutoConfig.from_pretrained(name, { local_files_only: true });
  config.vision_config = config.audio_config = null;
}
const model = await AutoModel.from_pretrained(name, { config, local_files_only: true, dtype: 'fp32', session_options });
const loadSeconds = (performance.now() - loadStart) / 1000;

const texts = request.texts.map((t) => request.prompt + t);
const start = performance.now();
// Sorting by length is the peer's best case: it keeps padding small.
const ids = texts.map(encode);
const lengths = ids.map((x) => x.length);
const order = texts.map((_, i) => i).sort((a, b) => lengths[b] - lengths[a]);
const embeddings = new Array(texts.length);
let tokens = 0;
for (let i = 0; i < order.length; i += request.batchSize) {
  const batch = order.slice(i, i + request.batchSize);
  // Right-padded with the pad id, as the tokenizer's own padding (padding_side "right") would.
  const columns = Math.max(...batch.map((j) => lengths[j]));
  const inputIds = new BigInt64Array(batch.length * columns).fill(BigInt(tokenizer.pad_token_id));
  const attentionMask = new BigInt64Array(batch.length * columns);
  batch.forEach((j, row) => ids[j].forEach((id, column) => {
    inputIds[row * columns + column] = BigInt(id);
    attentionMask[row * columns + column] = 1n;
  }));
  const shape = [batch.length, columns];
  const { sentence_embedding } = await model({
    input_ids: new Tensor('int64', inputIds, shape),
    attention_mask: new Tensor('int64', attentionMask, shape),
  });
  const width = sentence_embedding.dims[1];
  batch.forEach((j, row) => {
    embeddings[j] = Array.from(sentence_embedding.data.slice(row * width, (row + 1) * width));
    tokens += lengths[j];
  });
}
const seconds = (performance.now() - start) / 1000;
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
writeFileSync(output, JSON.stringify({ loadSeconds, seconds, tokens, embeddings, ids, peakRssBytes }));
