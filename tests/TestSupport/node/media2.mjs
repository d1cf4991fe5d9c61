// EmbeddingGemma 2 multimodal reference from transformers.js, written independently of the .NET pipeline.
// Usage: node media2.mjs <model folder> <input.json> <output folder>
// input.json: { "images": ["/abs/a.png", ...], "maxSoftTokens": 280 (optional),
//               "samples": [{ "text": "... <|image|> ..." | null, "images": [0, 2], "videos": [[1, 1, 3]] }, ...] }
// Writes <output folder>/result.json: { "images": [{ "width", "height", "numSoftTokens", "numPatches" }],
//   "samples": [{ "ids": [...], "embedding": [...] }] } and, per image i alone through the image processor,
//   pixel_values as raw float32 (image<i>.pixels) and pixel position ids as raw int64 (image<i>.positions).
import { AutoConfig, AutoModel, RawImage } from '@huggingface/transformers';
import { EmbeddingGemma2Processor } from '@huggingface/transformers';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { localModel } from './local-model.mjs';

const [folder, input, outputDirectory] = process.argv.slice(2);
const name = localModel(folder);
const request = JSON.parse(readFileSync(input, 'utf8'));

const processor = await EmbeddingGemma2Processor.from_pretrained(name, { local_files_only: true });
if (request.maxSoftTokens) processor.image_processor.max_soft_tokens = request.maxSoftTokens;
const images = [];
for (const file of request.images) images.push(await RawImage.read(file));

const imageReports = [];
for (let i = 0; i < images.length; i++) {
  const { pixel_values, image_position_ids, num_soft_tokens_per_image } = await processor.image_processor(images[i]);
  writeFileSync(path.join(outputDirectory, `image${i}.pixels`), Buffer.from(pixel_values.data.buffer));
  writeFileSync(path.join(outputDirectory, `image${i}.positions`), Buffer.from(image_position_ids.data.buffer));
  let numPatches = 0;
  for (let p = 0; p < image_position_ids.data.length; p += 2) if (image_position_ids.data[p] >= 0n) numPatches++;
  imageReports.push({ width: images[i].width, height: images[i].height, channels: images[i].channels, numSoftTokens: num_soft_tokens_per_image[0], numPatches });
}

// Audio is the audio encoder's business: only the vision encoder is loaded here.
const config = await AutoConfig.from_pretrained(name, { local_files_only: true });
config.audio_config = null;
const model = await AutoModel.from_pretrained(name, { config, local_files_only: true, dtype: 'fp32' });
const samples = [];
for (const sample of request.samples ?? []) {
  const sampleImages = (sample.images ?? []).map((i) => images[i]);
  const videos = (sample.videos ?? []).map((frames) => ({ frames: frames.map((i) => ({ image: images[i] })) }));
  const inputs = await processor(
    sample.text ?? null,
    sampleImages.length ? [sampleImages] : null,
    null,
    videos.length ? [videos] : null,
  );
  const { sentence_embedding } = await model(inputs);
  samples.push({ ids: Array.from(inputs.input_ids.data, Number), embedding: Array.from(sentence_embedding.data) });
}
writeFileSync(path.join(outputDirectory, 'result.json'), JSON.stringify({ images: imageReports, samples }));
