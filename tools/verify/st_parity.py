"""Parity with the real reference: sentence-transformers + Hugging Face transformers/tokenizers vs our CLI.

Run where torch, transformers, sentence-transformers, onnx and sentencepiece exist (the device machine has them):
    python3 tools/verify/st_parity.py .devcheck
after `bash tools/verify/prepare.sh` built .devcheck/ here: a random-weight "micro" EmbeddingGemma folder (real
262,144-token vocabulary, tokenizer.json xz-compressed to travel), the corpus, and our CLI's tokenize/embed output.
It loads the ONNX weights into transformers' Gemma3TextModel (bidirectional), builds the sentence-transformers
pipeline (mean pooling incl. prompt, Dense, Dense, Normalize) with the folder's prompts, and compares ids exactly and
embeddings by cosine, at full and truncated dimensions. Prints ALL_OK or MISMATCH.
"""
import inspect, json, lzma, os, shutil, sys, tempfile
import numpy as np, torch, onnx
from onnx import numpy_helper

src = sys.argv[1]
out = os.environ.get("OUT", "/tmp")
model_dir = os.path.join(tempfile.mkdtemp(), "model")
shutil.copytree(f"{src}/model", model_dir)
with lzma.open(f"{model_dir}/tokenizer.json.xz") as f, open(f"{model_dir}/tokenizer.json", "wb") as g:
    shutil.copyfileobj(f, g)
os.remove(f"{model_dir}/tokenizer.json.xz")

import transformers, tokenizers, sentence_transformers as st
from transformers import AutoConfig, AutoModel, AutoTokenizer
from sentence_transformers import SentenceTransformer, models
print("versions: transformers", transformers.__version__, "tokenizers", tokenizers.__version__, "sentence-transformers", st.__version__)

graph = onnx.load(f"{model_dir}/onnx/model.onnx").graph
weights = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
config = AutoConfig.from_pretrained(model_dir)
print(type(config).__name__, "sliding_window", config.sliding_window, "bidirectional", getattr(config, "use_bidirectional_attention", None))
hf = AutoModel.from_config(config, attn_implementation="eager", dtype=torch.float32).eval()
state = {}
for name in hf.state_dict():
    w = weights[name]
    state[name] = torch.from_numpy(np.ascontiguousarray(w.T if w.ndim == 2 and name != "embed_tokens.weight" else w))
hf.load_state_dict(state, strict=True)
saved = tempfile.mkdtemp()
hf.save_pretrained(saved)
AutoTokenizer.from_pretrained(model_dir).save_pretrained(saved)
# The npm Gemma 3 tokenizer_config names the multimodal Gemma3Processor; EmbeddingGemma's does not.
tc = json.load(open(f"{saved}/tokenizer_config.json"))
tc.pop("processor_class", None)
json.dump(tc, open(f"{saved}/tokenizer_config.json", "w"))
for extra in ("processor_config.json", "preprocessor_config.json", "chat_template.jinja"):
    if os.path.exists(f"{saved}/{extra}"):
        os.remove(f"{saved}/{extra}")

transformer = models.Transformer(saved, max_seq_length=2048)
pooling = models.Pooling(config.hidden_size, pooling_mode="mean")
w0, w1 = weights["dense.0.weight"], weights["dense.1.weight"]
d0 = models.Dense(w0.shape[0], w0.shape[1], bias=False, activation_function=torch.nn.Identity())
d1 = models.Dense(w1.shape[0], w1.shape[1], bias=False, activation_function=torch.nn.Identity())
d0.linear.weight.data = torch.from_numpy(np.ascontiguousarray(w0.T))
d1.linear.weight.data = torch.from_numpy(np.ascontiguousarray(w1.T))
prompts = json.load(open(f"{model_dir}/config_sentence_transformers.json"))["prompts"]
model = SentenceTransformer(modules=[transformer, pooling, d0, d1, models.Normalize()], prompts=prompts, device="cpu")
print("max_seq_length", model.max_seq_length)
probe = ["  hello  ", "task: search result | query: ", "x\n"]
print("strip probe:", [model.tokenize([p])["input_ids"][0].tolist() for p in probe], [raw_ids for raw_ids in [AutoTokenizer.from_pretrained(saved)(p)["input_ids"] for p in probe]])

lines = [json.loads(l) for l in open(f"{src}/corpus.jsonl", encoding="utf-8")]
texts = [l["text"] for l in lines]
titles = [l.get("title") for l in lines]

def read(path):
    return [json.loads(l) for l in open(path, encoding="utf-8")]

def prompt_of(config_name, i):
    if config_name == "none":
        return ""
    if config_name == "document":
        return f"title: {titles[i]} | text: " if titles[i] else prompts["document"]
    return prompts[config_name]

report = {}
ok = True
for name in ["none", "query", "document", "STS"]:
    ours_ids = [r["ids"] for r in read(f"{src}/ours/tok_{name}.jsonl")]
    ref_ids = [model.tokenize([prompt_of(name, i) + t])["input_ids"][0].tolist() for i, t in enumerate(texts)]
    bad = [i for i in range(len(texts)) if ours_ids[i] != ref_ids[i]]
    line = {"id_mismatches": bad[:10], "count": len(bad)}
    if bad:
        i = bad[0]
        line["first"] = {"text": texts[i][:80], "ours": ours_ids[i][:40], "ref": ref_ids[i][:40], "len": [len(ours_ids[i]), len(ref_ids[i])]}
    for dims in (32, 16):
        ours = np.array([r["embedding"] for r in read(f"{src}/ours/emb_{name}_{dims}.jsonl")], dtype=np.float32)
        tokens = [r["tokens"] for r in read(f"{src}/ours/emb_{name}_{dims}.jsonl")]
        ref = np.stack([model.encode([t], prompt=prompt_of(name, i), truncate_dim=dims, convert_to_numpy=True)[0] for i, t in enumerate(texts)])
        ref = ref / np.maximum(np.linalg.norm(ref, axis=1, keepdims=True), 1e-12)
        cos = (ours * ref).sum(1) / np.linalg.norm(ours, axis=1)
        line[f"min_cos_{dims}"] = float(cos.min())
        line[f"argmin_{dims}"] = int(cos.argmin())
        line[f"max_abs_{dims}"] = float(np.abs(ours - ref).max())
        line[f"tokens_match_{dims}"] = tokens == [len(x) for x in ref_ids]
        ok &= cos.min() >= 0.99999
    if name in ("query", "document"):
        fn = model.encode_query if name == "query" else model.encode_document
        batch = fn(texts, convert_to_numpy=True)
        ours = np.array([r["embedding"] for r in read(f"{src}/ours/emb_{name}_32.jsonl")], dtype=np.float32)
        keep = [i for i in range(len(texts)) if name == "query" or not titles[i]]
        line["encode_role_min_cos"] = float(((ours[keep] * batch[keep]).sum(1) / np.linalg.norm(batch[keep], axis=1)).min())
    ok &= not bad
    report[name] = line
    print(name, json.dumps(line, ensure_ascii=False))

# Raw tokenizer (no prompt, no strip) and SentencePiece over our generated tokenizer.model.
from tokenizers import Tokenizer
raw = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
import sentencepiece as spm
sp = spm.SentencePieceProcessor(model_file=f"{model_dir}/tokenizer.model")
sp_bad = [i for i, t in enumerate(texts) if [2] + sp.encode(t) + [1] != raw.encode(t).ids]
print("sentencepiece(our tokenizer.model) vs HF tokenizer.json mismatches:", len(sp_bad), sp_bad[:10])
report["sentencepiece_mismatches"] = sp_bad
print("ALL_OK" if ok else "MISMATCH")
json.dump(report, open(f"{out}/report.json", "w"), ensure_ascii=False, indent=1)
