// How transformers.js 4.3.1 reads image files in Node.js (RawImage.read: sharp's .rotate().raw(), then the channel
// count of the file restored), and what its EmbeddingGemma 2 image processor and model make of each one alone.
// Usage: node formats2.mjs <model folder> <input.json> <output folder>
// input.json: { "images": ["/abs/a.png", ...] }
// Writes <output folder>/result.json: { "images": [{ "error" } | { "width", "height", "channels", "numSoftTokens",
//   "embedding": [...] }] } and, per readable image i, its RGB bytes after RawImage.rgb() (image<i>.rgb), its
//   pixel_values as raw float32 (image<i>.pixels) and its position ids as raw int64 (image<i>.positions).
import { AutoConfig, AutoModel, RawImage, EmbeddingGemma2Processor } from '@huggingface/transformers';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { localModel } from './local-model.mjs';

const [folder, input, outputDirectory] = process.argv.slice(2);
const name = localModel(folder);
const request = JSON.parse(readFileSync(input, 'utf8'));

const processor = await EmbeddingGemma2Processor.from_pretrained(name, { local_files_only: true });
const config = await AutoConfig.from_pretrained(name, { local_files_only: true });
config.audio_config = null;
const model = await AutoModel.from_pretrained(name, { config, local_files_only: true, dtype: 'fp32' });

const reports = [];
for (let i = 0; i < request.images.length; i++) {
  let image;
  try {
    image = await RawImage.read(request.images[i]);
  } catch (error) {
    reports.push({ error: String(error?.message ?? error) });
    continue;
  }
  const channels = image.channels;
  writeFileSync(path.join(outputDirectory, `image${i}.rgb`), Buffer.from(image.clone().rgb().data));
  const { pixel_values, image_position_ids, num_soft_tokens_per_image } = await processor.image_processor(image);
  writeFileSync(path.join(outputDirectory, `image${i}.pixels`), Buffer.from(pixel_values.data.buffer));
  writeFileSync(path.join(outputDirectory, `image${i}.positions`), Buffer.from(image_position_ids.data.buffer));
  const inputs = await processor(null, [[image]], null, null);
  const { sentence_embedding } = await model(inputs);
  reports.push({
    width: image.width, height: image.height, channels, numSoftTokens: num_soft_tokens_per_image[0],
    embedding: Array.from(sentence_embedding.data),
  });
}
writeFileSync(path.join(outputDirectory, 'result.json'), JSON.stringify({ images: reports }));
