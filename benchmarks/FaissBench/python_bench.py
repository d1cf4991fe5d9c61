# Times python3-faiss on index files written by FaissBench, with the same queries.
# Usage: /usr/bin/python3 python_bench.py queries.f32 d index1 [index2 ...]
import sys, time
import numpy as np
import faiss

queries = np.fromfile(sys.argv[1], dtype='float32').reshape(-1, int(sys.argv[2]))
for path in sys.argv[3:]:
    index = faiss.read_index(path)
    inner = faiss.downcast_index(index.index) if hasattr(index, 'index') else index
    if hasattr(inner, 'hnsw'):
        faiss.ParameterSpace().set_index_parameter(index, 'efSearch', 128)
    lat = []
    for q in queries:
        t = time.perf_counter()
        index.search(q.reshape(1, -1), 10)
        lat.append((time.perf_counter() - t) * 1e3)
    lat.sort()
    batch = queries[:100]
    t = time.perf_counter()
    index.search(batch, 10)
    batched = (time.perf_counter() - t) * 1e3 / len(batch)
    print(f"python3-faiss {path.split('/')[-1]:<14} single p50 {lat[len(lat)//2]:8.3f} ms p95 {lat[len(lat)*95//100]:8.3f} ms | batched(100) {batched:8.3f} ms/query")
