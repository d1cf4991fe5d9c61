// Reference ids from transformers.js. Usage: node tokenize.mjs <tokenizer folder> <input.json> <output.json>
// input.json: an array of texts, each an array of UTF-16 code units (so lone surrogates survive the trip).
// output.json: an array of id arrays, special tokens added as the folder's tokenizer.json post_processor says.
import { AutoTokenizer } from '@huggingface/transformers';
import { readFileSync, writeFileSync } from 'node:fs';
import { localModel } from './local-model.mjs';

const [folder, input, output] = process.argv.slice(2);
const tokenizer = await AutoTokenizer.from_pretrained(localModel(folder), { local_files_only: true });
const texts = JSON.parse(readFileSync(input, 'utf8')).map((units) => String.fromCharCode(...units));
writeFileSync(output, JSON.stringify(texts.map((text) => tokenizer.encode(text))));
