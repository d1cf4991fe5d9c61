#!/usr/bin/env bash
# Builds FAISS 1.7.3 with -DFAISS_OPT_LEVEL=avx2 from Debian's own source package (Debian's libfaiss.a is SSE-only),
# producing native/build-faiss-avx2/faiss/libfaiss_avx2.a. Then:
#   dotnet build src/VectorStore -p:FaissAvx2Library=$PWD/native/build-faiss-avx2/faiss/libfaiss_avx2.a
# adds libskfaiss_avx2.so beside libskfaiss.so; the managed resolver loads it when Avx2.IsSupported.
# Needs: a deb-src entry for bookworm, dpkg-dev, cmake, g++, libopenblas-dev. Takes minutes (single-digit on 8+ cores).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${FAISS_SRC_DIR:-$root/native/faiss-src}"
build="$root/native/build-faiss-avx2"
mkdir -p "$work"
if [ ! -d "$work/faiss-1.7.3" ]; then
  (cd "$work" && apt-get source faiss=1.7.3-2)
fi
cmake -S "$work/faiss-1.7.3" -B "$build" -DFAISS_OPT_LEVEL=avx2 -DFAISS_ENABLE_GPU=OFF -DFAISS_ENABLE_PYTHON=OFF \
  -DFAISS_ENABLE_C_API=OFF -DBUILD_TESTING=OFF -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DCMAKE_BUILD_TYPE=Release -DBLA_VENDOR=OpenBLAS
cmake --build "$build" --target faiss_avx2 --parallel "$(nproc)"
echo "$build/faiss/libfaiss_avx2.a"
