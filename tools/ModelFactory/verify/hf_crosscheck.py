"""Cross-checks a ModelFactory folder against Hugging Face's own Gemma3TextModel + sentence-transformers head.

Not part of the build and not yet run (no PyPI here); run where torch, transformers, sentence-transformers, onnx and
onnxruntime exist:  python hf_crosscheck.py MODEL_DIR
Loads the generated weights from onnx/model.onnx(+_data) into transformers' Gemma3TextModel (config.json
as written, eager float32 attention), runs both on a padded batch whose longest row exceeds the sliding
window, and prints the max abs difference of last_hidden_state and sentence_embedding.
"""
import sys

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper
from transformers import AutoConfig, AutoModel

model_dir = sys.argv[1]
graph = onnx.load(f"{model_dir}/onnx/model.onnx")
weights = {t.name: numpy_helper.to_array(t) for t in graph.initializer}

config = AutoConfig.from_pretrained(model_dir)
print(type(config).__name__, "sliding_window", config.sliding_window, "bidirectional", config.use_bidirectional_attention)
model = AutoModel.from_config(config, attn_implementation="eager", dtype=torch.float32).eval()
state = {}
for name in model.state_dict():
    w = weights[name]
    # ModelFactory stores linear weights pre-transposed ([in, out]) for MatMul; torch wants [out, in].
    state[name] = torch.from_numpy(np.ascontiguousarray(w.T if w.ndim == 2 and name != "embed_tokens.weight" else w))
model.load_state_dict(state, strict=True)

rng = np.random.default_rng(0)
lengths, width = [600, 300, 40, 1], 600
ids = np.zeros((len(lengths), width), dtype=np.int64)
mask = np.zeros_like(ids)
for b, n in enumerate(lengths):
    ids[b, :n] = rng.integers(3, config.vocab_size, n)
    ids[b, 0] = 2
    mask[b, :n] = 1

with torch.no_grad():
    hidden = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).last_hidden_state
    m = torch.from_numpy(mask).unsqueeze(-1).float()
    pooled = (hidden * m).sum(1) / torch.clamp(m.sum(1), min=1e-9)
    dense = pooled @ torch.from_numpy(weights["dense.0.weight"]) @ torch.from_numpy(weights["dense.1.weight"])
    embedding = torch.nn.functional.normalize(dense, p=2, dim=1)

session = ort.InferenceSession(f"{model_dir}/onnx/model.onnx", providers=["CPUExecutionProvider"])
ort_hidden, ort_embedding = session.run(["last_hidden_state", "sentence_embedding"], {"input_ids": ids, "attention_mask": mask})

valid = mask.astype(bool)
print("last_hidden_state max abs diff (real tokens):", float(np.abs(hidden.numpy() - ort_hidden)[valid].max()))
print("last_hidden_state max abs diff (all positions):", float(np.abs(hidden.numpy() - ort_hidden).max()))
print("sentence_embedding max abs diff:", float(np.abs(embedding.numpy() - ort_embedding).max()))
print("finite:", bool(np.isfinite(ort_hidden).all() and np.isfinite(ort_embedding).all()))
