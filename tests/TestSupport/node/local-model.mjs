// Points transformers.js at one local model folder and nothing remote; returns the name from_pretrained takes for it.
import { env } from '@huggingface/transformers';
import path from 'node:path';

export function localModel(folder) {
  const directory = path.resolve(folder);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = path.dirname(directory) + path.sep;
  return path.basename(directory);
}
