// Reference embeddings from transformers.js, written independently of the .NET pipeline.
// Usage: node embed.mjs <model folder> <input.json> <output.json>
// input.json: { "maxTokens": 2048, "dimensions": [64, 32], "items": [{ "prompt": "...", "text": [UTF-16 code units] }] }
// output.json: [{ "ids": [...], "embeddings": { "64": [...], "32": [...] } }] — one entry per item, each run alone (no padding).
import { AutoConfig, AutoTokenizer, AutoModel, Tensor } from '@huggingface/transformers';
import { readFileSync, writeFileSync } from 'node:fs';
import { localModel } from './local-model.mjs';

const [folder, input, output] = process.argv.slice(2);
const name = localModel(folder);
const tokenizer = await AutoTokenizer.from_pretrained(name, { local_files_only: true });
// A multimodal model (EmbeddingGemma 2) embeds text without its media encoders, as EmbeddingGemma2Model documents:
// without vision/audio configs no encoder graph is loaded, and the text graph gets empty media features.
const config = await AutoConfig.from_pretrained(name, { local_files_only: true });
const multimodal = Boolean(config.vision_config || config.audio_config);
if (multimodal) config.vision_config = config.audio_config = null;
const model = await AutoModel.from_pretrained(name, { local_files_only: true, dtype: 'fp32', ...(multimodal && { config }) });

function normalize(v) {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.max(Math.sqrt(sum), 1e-12);
  return v.map((x) => x / norm);
}

const request = JSON.parse(readFileSync(input, 'utf8'));
const [eos] = tokenizer.encode('<eos>', { add_special_tokens: false });
const results = [];
for (const item of request.items) {
  // sentence-transformers 6 tokenizes prompt + text as is (5.x and earlier stripped it).
  const text = item.prompt + String.fromCharCode(...item.text);
  let ids = tokenizer.encode(text);
  // The reference truncation keeps <eos>: <bos> + first (max - 2) text tokens + <eos>. (transformers.js drops it.)
  if (ids.length > request.maxTokens) ids = [...ids.slice(0, request.maxTokens - 1), eos];
  const shape = [1, ids.length];
  const { sentence_embedding } = await model({
    input_ids: new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), shape),
    attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape),
  });
  const full = Array.from(sentence_embedding.data);
  const embeddings = {};
  for (const d of request.dimensions) embeddings[d] = d === full.length ? full : normalize(full.slice(0, d));
  results.push({ ids, embeddings });
}
writeFileSync(output, JSON.stringify(results));
