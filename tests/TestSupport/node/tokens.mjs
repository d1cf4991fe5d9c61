// Reference token embeddings (last_hidden_state) from transformers.js, written independently of the .NET pipeline.
// Usage: node tokens.mjs <model folder> <input.json> <output.json>
// input.json: { "items": [{ "prompt": "...", "text": [UTF-16 code units] }] } (short texts: no truncation)
// output.json: [{ "ids": [...], "hidden": [[f32 x width] per token] }] — one entry per item, each run alone (no padding).
import { AutoConfig, AutoTokenizer, AutoModel, Tensor } from '@huggingface/transformers';
import { readFileSync, writeFileSync } from 'node:fs';
import { localModel } from './local-model.mjs';

const [folder, input, output] = process.argv.slice(2);
const name = localModel(folder);
const tokenizer = await AutoTokenizer.from_pretrained(name, { local_files_only: true });
const config = await AutoConfig.from_pretrained(name, { local_files_only: true });
const multimodal = Boolean(config.vision_config || config.audio_config);
if (multimodal) config.vision_config = config.audio_config = null;
const model = await AutoModel.from_pretrained(name, { local_files_only: true, dtype: 'fp32', ...(multimodal && { config }) });

const request = JSON.parse(readFileSync(input, 'utf8'));
const results = [];
for (const item of request.items) {
  const ids = tokenizer.encode(item.prompt + String.fromCharCode(...item.text));
  const shape = [1, ids.length];
  const { last_hidden_state } = await model({
    input_ids: new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), shape),
    attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape),
  });
  const width = last_hidden_state.dims[2];
  const data = Array.from(last_hidden_state.data);
  const hidden = [];
  for (let t = 0; t < ids.length; t++) hidden.push(data.slice(t * width, (t + 1) * width));
  results.push({ ids, hidden });
}
writeFileSync(output, JSON.stringify(results));
