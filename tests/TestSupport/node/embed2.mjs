// EmbeddingGemma 2 reference from transformers.js, written independently of the .NET pipeline.
// Usage: node embed2.mjs <model folder> <input.json> <output.json>
// input.json: { "texts": ["...", ...], "special": "text whose ids are reported without running the model",
//               "maxTokens": 8192 (optional), "dimensions": [512, 256] (optional) }
// output.json: { "modelClass": "...", "inputNames": [...], "specialIds": [...], "padTokenId": 0,
//                "single": [{ "ids": [...], "embedding": [...], "embeddings": { "512": [...] } }], "batch": [[...], ...] }
// "single" runs each text alone (cut to maxTokens keeping <eos>: <bos> + first max - 2 text tokens + <eos>; "embeddings"
// holds the Matryoshka prefixes, re-normalized); "batch" runs all texts, uncut, as one right-padded batch.
import { AutoConfig, AutoTokenizer, AutoModel, Tensor } from '@huggingface/transformers';
import { readFileSync, writeFileSync } from 'node:fs';
import { localModel } from './local-model.mjs';

const [folder, input, output] = process.argv.slice(2);
const name = localModel(folder);
const tokenizer = await AutoTokenizer.from_pretrained(name, { local_files_only: true });
// Text-only use, as EmbeddingGemma2Model's documentation says: without vision/audio configs no encoder graph is loaded.
const config = await AutoConfig.from_pretrained(name, { local_files_only: true });
config.vision_config = config.audio_config = null;
const model = await AutoModel.from_pretrained(name, { config, local_files_only: true, dtype: 'fp32' });

const request = JSON.parse(readFileSync(input, 'utf8'));
const rows = (tensor) => {
  const [n, d] = tensor.dims;
  return Array.from({ length: n }, (_, i) => Array.from(tensor.data.slice(i * d, (i + 1) * d)));
};
const normalize = (v) => {
  const norm = Math.max(Math.sqrt(v.reduce((sum, x) => sum + x * x, 0)), 1e-12);
  return v.map((x) => x / norm);
};
const [eos] = tokenizer.encode('<eos>', { add_special_tokens: false });
const single = [];
for (const text of request.texts) {
  let ids = tokenizer.encode(text);
  if (request.maxTokens && ids.length > request.maxTokens) ids = [...ids.slice(0, request.maxTokens - 1), eos];
  const shape = [1, ids.length];
  const { sentence_embedding } = await model({
    input_ids: new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), shape),
    attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape),
  });
  const embedding = rows(sentence_embedding)[0];
  const embeddings = Object.fromEntries((request.dimensions ?? []).map((d) => [d, normalize(embedding.slice(0, d))]));
  single.push({ ids, embedding, embeddings });
}
const batched = await model(tokenizer(request.texts, { padding: true }));
writeFileSync(output, JSON.stringify({
  modelClass: model.constructor.name,
  inputNames: model.sessions.model.inputNames,
  specialIds: tokenizer.encode(request.special ?? '', { add_special_tokens: false }),
  padTokenId: tokenizer.pad_token_id,
  single,
  batch: rows(batched.sentence_embedding),
}));
