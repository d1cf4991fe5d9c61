// EmbeddingGemma 2 audio reference from transformers.js, written independently of the .NET pipeline.
// Usage: node audio2.mjs <wavefile folder> <input.json> <output.json>
// input.json: { "files": ["a.wav", ...], "model": "<EmbeddingGemma 2 folder with onnx/audio_encoder.onnx>" (optional),
//               "samples": true (optional: report the 16 kHz samples) }
// Each WAV is read as transformers.js documents for Node.js (wavefile: toBitDepth('32f'), toSampleRate(16000) when the
// rate differs, channels 0 and 1 merged as sqrt(2) * (l + r) / 2), then run through Gemma4AudioFeatureExtractor with
// EmbeddingGemma 2's feature_extractor settings and EmbeddingGemma2Processor._process_audio (soft-token counts).
// With a model, EmbeddingGemma2Model.encode_audio runs on each clip alone ("features") and on all clips as one padded
// batch ("batchFeatures"), as the model's forward does.
// With a model and "embed": [{ "text": "... <|audio|> ..." | null, "audio": [0, 2] }, ...], each entry runs through
// EmbeddingGemma2Processor.from_pretrained(model) (the clips as one sample) and the model: "embeddings".
// output.json: { "clips": [{ "length", "samples"?, "frames", "features": [...], "mask": [...], "softTokens",
//                "audioFeatures"?: [n * 512] }], "batchFeatures"?: [...], "batchShape"?: [...],
//                "embeddings"?: [{ "ids": [...], "embedding": [...] }] }
import { AutoConfig, AutoModel, Gemma4AudioFeatureExtractor, EmbeddingGemma2Processor } from '@huggingface/transformers';
import { readFileSync, writeFileSync } from 'node:fs';
import { wavReader } from './wav.mjs';
import { localModel } from './local-model.mjs';

const [wavefileFolder, input, output] = process.argv.slice(2);
const readWav = wavReader(wavefileFolder);
const request = JSON.parse(readFileSync(input, 'utf8'));

// EmbeddingGemma 2's processor_config.json feature_extractor (see embeddinggemma2-facts.md).
const extractor = new Gemma4AudioFeatureExtractor({
  feature_extractor_type: 'Gemma4AudioFeatureExtractor', feature_size: 128, sampling_rate: 16000, padding_value: 0.0,
  padding_side: 'right', return_attention_mask: true, fft_length: 512, frame_length: 320, hop_length: 160,
  min_frequency: 0.0, max_frequency: 8000.0, mel_floor: 0.001, preemphasis: 0.0, preemphasis_htk_flavor: true,
  fft_overdrive: false, dither: 0.0, input_scale_factor: 1.0, per_bin_mean: null, per_bin_stddev: null,
});
const processAudio = (clips) => EmbeddingGemma2Processor.prototype._process_audio.call({ feature_extractor: extractor }, clips);

let model = null;
let name = null;
if (request.model) {
  name = localModel(request.model);
  const config = await AutoConfig.from_pretrained(name, { local_files_only: true });
  config.vision_config = null; // audio only: the folder need not hold a vision encoder
  model = await AutoModel.from_pretrained(name, { config, local_files_only: true, dtype: 'fp32' });
}

const clips = [];
const audios = request.files.map(readWav);
for (const audio of audios) {
  const inputs = await processAudio([audio]);
  const clip = {
    length: audio.length,
    frames: inputs.input_features.dims[1],
    features: Array.from(inputs.input_features.data),
    mask: Array.from(inputs.input_features_mask.data, Number),
    softTokens: inputs.num_soft_tokens_per_audio[0],
  };
  if (request.samples) clip.samples = Array.from(audio.subarray(0, 480000));
  if (model) {
    const features = await model.encode_audio(inputs);
    clip.audioFeatures = Array.from(features.data);
    clip.audioFeaturesShape = features.dims;
  }
  clips.push(clip);
}
const result = { clips };
if (model && audios.length > 1) {
  const batch = await model.encode_audio(await processAudio(audios));
  result.batchFeatures = Array.from(batch.data);
  result.batchShape = batch.dims;
}
if (model && request.embed) {
  const processor = await EmbeddingGemma2Processor.from_pretrained(name, { local_files_only: true });
  result.embeddings = [];
  for (const sample of request.embed) {
    const inputs = await processor(sample.text ?? null, null, [sample.audio.map((i) => audios[i])], null);
    const { sentence_embedding } = await model(inputs);
    result.embeddings.push({ ids: Array.from(inputs.input_ids.data, Number), embedding: Array.from(sentence_embedding.data) });
  }
}
writeFileSync(output, JSON.stringify(result));
