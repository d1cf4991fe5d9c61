// EmbeddingGemma 2 reference from transformers.js, written independently of the .NET pipeline.
// Usage: node embed2.mjs <model folder> <input.json> <output.json>
// input.json: { "texts": ["...", ...], "special": "text whose ids are reported without running the model" }
// output.json: { "modelClass": "...", "inputNames": [...], "specialIds": [...],
//                "single": [{ "ids": [...], "embedding": [...] }], "batch": [[...], ...] }
// "single" runs each text alone; "batch" runs all texts as one right-padded batch.
import { env, AutoConfig, AutoTokenizer, AutoModel } from '@huggingface/transformers';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [folder, input, output] = process.argv.slice(2);
const directory = path.resolve(folder);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(directory) + path.sep;
const name = path.basename(directory);
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
const single = [];
for (const text of request.texts) {
  const inputs = tokenizer(text);
  const { sentence_embedding } = await model(inputs);
  single.push({ ids: Array.from(inputs.input_ids.data, Number), embedding: rows(sentence_embedding)[0] });
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
