#!/usr/bin/env bash
# Builds .devcheck/ for tools/verify/st_parity.py: a micro random-weight EmbeddingGemma folder with the real tokenizer,
# the corpus, and this repository's CLI output for it (tokenize + embed, four prompt settings, two widths).
# Needs the test assets (run the tests once, or point SKEG_TEST_ASSETS at them).
set -euo pipefail
cd "$(dirname "$0")/../.."
assets="${SKEG_TEST_ASSETS:-.test-assets}"
tokenizer=$(ls -d "$assets"/embeddinggemma-tokenizer-* | head -n1)
out=.devcheck
rm -rf "$out" && mkdir -p "$out/ours"
dotnet run --project tools/ModelFactory -c Release -- --size micro --out "$out/model" --tokenizer "$tokenizer"
cp tools/verify/corpus.jsonl tools/verify/st_parity.py "$out/"
python3 -c "
import json
for l in open('$out/corpus.jsonl', encoding='utf-8'):
    d = json.loads(l); d.pop('title'); print(json.dumps(d, ensure_ascii=False))" > "$out/corpus_notitle.jsonl"
dotnet build src/Cli -c Release -v q >/dev/null
cli="dotnet src/Cli/bin/Release/net10.0/embeddinggemma.dll"
for p in none query document STS; do
  args=(); [ "$p" != none ] && args=(--prompt-name "$p")
  input="$out/corpus_notitle.jsonl"; [ "$p" = document ] && input="$out/corpus.jsonl"
  $cli tokenize --model "$out/model" "${args[@]}" --input "$input" --output "$out/ours/tok_$p.jsonl"
  for d in 32 16; do $cli embed --model "$out/model" "${args[@]}" --dimensions $d --input "$input" --output "$out/ours/emb_${p}_$d.jsonl"; done
done
xz -T2 -6 "$out/model/tokenizer.json"
du -sh "$out"
