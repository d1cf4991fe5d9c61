# Writes quantization-reference.json: fixed float32 vectors and what sentence-transformers' quantize_embeddings
# returns for them. The four precision branches below are sentence-transformers' rules (quantization.py) restated on
# numpy; run with the system numpy:  /usr/bin/python3 make_reference.py
import json
import numpy as np

rng = np.random.default_rng(20261202)
dim = 24  # a multiple of 8, as every Matryoshka width is
calibration = rng.normal(0, 0.08, size=(40, dim)).astype(np.float32)
lo, hi = calibration.min(axis=0), calibration.max(axis=0)
# Queries inside the calibration range (numpy's cast of out-of-range values is undefined), plus the exact ends,
# zeros (sign bit 0) and values just around bucket boundaries.
queries = rng.uniform(lo, hi, size=(6, dim)).astype(np.float32)
queries[0] = lo
queries[1] = hi
queries[2, :8] = 0.0
steps32 = ((hi - lo) / 255).astype(np.float32)
queries[3] = (lo + steps32 * np.float32(127.5)).astype(np.float32)
queries[4] = (lo + steps32 * np.float32(128)).astype(np.float32)
queries = np.clip(queries, lo, hi).astype(np.float32)

def quantize(embeddings, precision, calibration_embeddings):
    if precision.endswith("int8"):
        ranges = np.vstack((np.min(calibration_embeddings, axis=0), np.max(calibration_embeddings, axis=0)))
        starts = ranges[0, :]
        steps = (ranges[1, :] - ranges[0, :]) / 255
        if precision == "uint8":
            return ((embeddings - starts) / steps).astype(np.uint8)
        return ((embeddings - starts) / steps - 128).astype(np.int8)
    if precision == "binary":
        return (np.packbits(embeddings > 0).reshape(embeddings.shape[0], -1) - 128).astype(np.int8)
    return np.packbits(embeddings > 0).reshape(embeddings.shape[0], -1)

out = {
    "numpy": np.__version__,
    "calibration": calibration.tolist(),
    "queries": queries.tolist(),
}
for p in ("int8", "uint8", "binary", "ubinary"):
    out[p] = quantize(queries, p, calibration).astype(int).tolist()
with open("quantization-reference.json", "w") as f:
    json.dump(out, f)
