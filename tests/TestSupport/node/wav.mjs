// WAV files read as transformers.js documents for Node.js (wavefile: toBitDepth('32f'), toSampleRate(16000) when the
// rate differs, channels 0 and 1 merged as sqrt(2) * (l + r) / 2). Shared by audio2.mjs and bench-media2.mjs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

// wavefile is installed in its own folder (NodeReference.WavefileDirectory), so it is loaded from there.
export function wavReader(wavefileFolder) {
  const require = createRequire(path.join(path.resolve(wavefileFolder), 'package.json'));
  const { WaveFile } = require('wavefile');
  return function readWav(file) {
    const wav = new WaveFile(readFileSync(file));
    wav.toBitDepth('32f');
    if (wav.fmt.sampleRate !== 16000) wav.toSampleRate(16000);
    let audio = wav.getSamples();
    if (Array.isArray(audio)) {
      if (audio.length > 1) {
        const SCALING_FACTOR = Math.sqrt(2);
        for (let i = 0; i < audio[0].length; ++i) audio[0][i] = (SCALING_FACTOR * (audio[0][i] + audio[1][i])) / 2;
      }
      audio = audio[0];
    }
    return audio;
  };
}
