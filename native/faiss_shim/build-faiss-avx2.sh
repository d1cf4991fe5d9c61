#!/usr/bin/env bash
# Builds FAISS 1.7.3 with -DFAISS_OPT_LEVEL=avx2 from Debian's own source package (Debian's libfaiss.a is SSE-only)
# into the git-ignored cache folder .native-cache/faiss-1.7.3-2-avx2/libfaiss_avx2.a, which
# src/VectorStore/VectorStore.csproj picks up automatically to build libskfaiss_avx2.so beside libskfaiss.so
# (FaissLibraryResolver loads it when Avx2.IsSupported). Run it once; it does nothing when the archive exists.
#   native/faiss_shim/build-faiss-avx2.sh        # then: dotnet build src/VectorStore -c Release
# Needs: curl, dpkg-dev (dpkg-source), cmake, g++, libopenblas-dev; network access to deb.debian.org only.
# The source comes from Debian's pool (no deb-src entry needed), pinned by SHA-256; dpkg-source applies Debian's
# patches, so this is the same FAISS as libfaiss-dev, built for AVX2.
# Environment: SKFAISS_CACHE_DIR (default <repo>/.native-cache), SKFAISS_BUILD_JOBS (default nproc).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${SKFAISS_CACHE_DIR:-$root/.native-cache}"
out="$cache/faiss-1.7.3-2-avx2"
archive="$out/libfaiss_avx2.a"
if [ -f "$archive" ]; then
  echo "$archive"
  exit 0
fi

pool="http://deb.debian.org/debian/pool/main/f/faiss"
work="$(mktemp -d "${TMPDIR:-/tmp}/faiss-avx2.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > SHA256SUMS <<'SUMS'
432937bbdfc7e14783685762e360b68f9ab74f1599319697d756b27585e83dbd  faiss_1.7.3-2.dsc
3e4fac26d8c9e9008ecea4ae5fc414c658998fce4ba75835058b1a71d3516002  faiss_1.7.3.orig.tar.gz
a351977533afa5575b21de74a58cacb66d846006b1ef971bed85e01e66eb7f94  faiss_1.7.3-2.debian.tar.xz
SUMS
while read -r _ file; do
  curl -fsSL --retry 3 -o "$file" "$pool/$file"
done < SHA256SUMS
sha256sum -c --quiet SHA256SUMS
# --no-check: every file is pinned above (the .dsc signature would need Debian's keyring).
dpkg-source --no-check -x faiss_1.7.3-2.dsc src >/dev/null

cmake -S src -B build -DFAISS_OPT_LEVEL=avx2 -DFAISS_ENABLE_GPU=OFF -DFAISS_ENABLE_PYTHON=OFF \
  -DFAISS_ENABLE_C_API=OFF -DBUILD_TESTING=OFF -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DCMAKE_BUILD_TYPE=Release -DBLA_VENDOR=OpenBLAS >/dev/null
cmake --build build --target faiss_avx2 --parallel "${SKFAISS_BUILD_JOBS:-$(nproc)}"
mkdir -p "$out"
# Copy then rename, so an interrupted run never leaves a half-written archive that later builds would trust.
cp build/faiss/libfaiss_avx2.a "$archive.tmp"
mv "$archive.tmp" "$archive"
echo "$archive"
