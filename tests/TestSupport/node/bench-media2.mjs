// transformers.js peer for the EmbeddingGemma 2 media benchmark: the same image and WAV files, each input alone through
// EmbeddingGemma2Processor + EmbeddingGemma2Model (the processor's documented one-sample call), no prompt.
// Usage: node bench-media2.mjs <wavefile folder> <input.json> <output.json>
// input.json: { "model": "<EmbeddingGemma 2 folder with both encoders>", "images": ["/abs/a.png", ...],
//               "audio": ["/abs/a.wav", ...], "maxSoftTokens": 280 (optional), "threads": 2 (optional) }
// output.json: { "loadSeconds", "imageSeconds", "audioSeconds", "imageEmbeddings": [[...]], "audioEmbeddings": [[...]],
//                "peakRssBytes" }. The first image and the first clip also run once untimed (warm-up), as on our side.
// WAV files are read by wav.mjs, as audio2.mjs reads them (wavefile, 32-bit float, resampled to 16 kHz when needed, channels merged).
import { AutoModel, RawImage, EmbeddingGemma2Processor } from '@huggingface/transformers';
import { readFileSync, writeFileSync } from 'node:fs';
import { wavReader } from './wav.mjs';
import { localModel } from './local-model.mjs';

const [wavefileFolder, input, output] = process.argv.slice(2);
const readWav = wavReader(wavefileFolder);
const request = JSON.parse(readFileSync(input, 'utf8'));
const name = localModel(request.model);

const session_options = request.threads ? { intraOpNumThreads: request.threads } : undefined;
const loadStart = performance.now();
const processor = await EmbeddingGemma2Processor.from_pretrained(name, { local_files_only: true });
if (request.maxSoftTokens) processor.image_processor.max_soft_tokens = request.maxSoftTokens;
const model = await AutoModel.from_pretrained(name, { local_files_only: true, dtype: 'fp32', session_options });
const loadSeconds = (performance.now() - loadStart) / 1000;

// Decoding is part of each input's time, as it is on our side.
const embedImage = async (file) => {
  const inputs = await processor(null, [[await RawImage.read(file)]], null, null);
  return Array.from((await model(inputs)).sentence_embedding.data);
};
const embedAudio = async (file) => {
  const inputs = await processor(null, null, [[readWav(file)]], null);
  return Array.from((await model(inputs)).sentence_embedding.data);
};

async function timed(files, embed) {
  if (files.length === 0) return { seconds: 0, embeddings: [] };
  await embed(files[0]);
  const start = performance.now();
  const embeddings = [];
  for (const file of files) embeddings.push(await embed(file));
  return { seconds: (performance.now() - start) / 1000, embeddings };
}

const images = await timed(request.images ?? [], embedImage);
const audio = await timed(request.audio ?? [], embedAudio);
writeFileSync(output, JSON.stringify({
  loadSeconds,
  imageSeconds: images.seconds,
  audioSeconds: audio.seconds,
  imageEmbeddings: images.embeddings,
  audioEmbeddings: audio.embeddings,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
}));
