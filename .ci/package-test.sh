#!/usr/bin/env bash
# Packs every package into artifacts/packages/, then, outside the repository, builds and runs console apps that install
# them from that folder only (nuget.org for third-party packages), and installs and runs the embeddinggemma tool:
#   gemma  SkEmbeddingGemma.Extensions: the README's Usage and DI snippets; its dependency graph has no Semantic Kernel
#          and no FAISS connector.
#   faiss  SkEmbeddingGemma.VectorData.Faiss with another embedding generator: the FAISS snippets; no ONNX Runtime, no
#          tokenizer, no EmbeddingGemma in its graph.
#   full   SkEmbeddingGemma.SemanticKernel: FAISS in DI with EmbeddingGemma, and the Semantic Kernel builder.
#   tool   dotnet tool install SkEmbeddingGemma.Tool, then `embeddinggemma tokenize` on a line.
# The test model is a tiny random-weight EmbeddingGemma built by tools/ModelFactory with the tokenizer the tests fetched.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
packages="$repo/artifacts/packages"
assets="${SKEG_TEST_ASSETS:-$repo/.test-assets}"
work=$(mktemp -d "${TMPDIR:-/tmp}/skeg-package-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
step() { echo "== package test: $*"; }

step "pack"
# SKEG_PACKAGE_TEST_REUSE=1 reuses artifacts/packages/ from an earlier run (while editing the apps below).
if [ "${SKEG_PACKAGE_TEST_REUSE:-}" != 1 ]; then
  rm -rf "$packages"
  mapfile -t shipped < <(grep -l '<IsPackable>true</IsPackable>' src/*/*.csproj | sort)
  for project in "${shipped[@]}"; do
    dotnet pack "$project" -c Release --nologo -v quiet >/dev/null
  done
fi
version=$(dotnet msbuild src/Generator/Generator.csproj -getProperty:PackageVersion)
ls -l "$packages"
expected=(SkEmbeddingGemma SkEmbeddingGemma.VectorData.Faiss SkEmbeddingGemma.Extensions SkEmbeddingGemma.SemanticKernel
  SkEmbeddingGemma.Quantization SkEmbeddingGemma.Tool)
for id in "${expected[@]}"; do
  [ -f "$packages/$id.$version.nupkg" ] || { echo "missing package $id.$version.nupkg" >&2; exit 1; }
done
# The connector carries its native libraries; every library package has its README, license and XML docs.
# (Listings are read whole before grep -q: under pipefail, grep -q closing the pipe early fails unzip with SIGPIPE.)
listing=$(unzip -l "$packages/SkEmbeddingGemma.VectorData.Faiss.$version.nupkg")
grep -q 'runtimes/linux-x64/native/libskfaiss.so' <<<"$listing" \
  || { echo "the connector package lacks runtimes/linux-x64/native/libskfaiss.so" >&2; exit 1; }
for id in SkEmbeddingGemma SkEmbeddingGemma.VectorData.Faiss SkEmbeddingGemma.Extensions SkEmbeddingGemma.SemanticKernel; do
  listing=$(unzip -l "$packages/$id.$version.nupkg")
  for file in README.md LICENSE "lib/net10.0/$id.xml"; do
    grep -q " $file\$" <<<"$listing" || { echo "$id.$version.nupkg lacks $file" >&2; exit 1; }
  done
  [ -f "$packages/$id.$version.snupkg" ] || { echo "missing symbols $id.$version.snupkg" >&2; exit 1; }
done
listing=$(unzip -l "$packages/SkEmbeddingGemma.Tool.$version.nupkg")
grep -q 'tools/net10.0/any/runtimes/linux-x64/native/libskfaiss.so' <<<"$listing" \
  || { echo "the tool package lacks runtimes/linux-x64/native/libskfaiss.so" >&2; exit 1; }
echo "tool package: $(du -h "$packages/SkEmbeddingGemma.Tool.$version.nupkg" | cut -f1)"

step "test model"
tokenizer="$assets/embeddinggemma-tokenizer-3.7.2-v1"
[ -f "$tokenizer/tokenizer.json" ] || { echo "no test tokenizer at $tokenizer: run the tests first (they fetch it)" >&2; exit 1; }
dotnet run --project tools/ModelFactory -c Release -- --size tiny --out "$work/model" --tokenizer "$tokenizer" >/dev/null

# Our packages from artifacts/packages only (package source mapping), everything else from nuget.org. The same version
# is packed on every run, so drop earlier copies of ours from the global packages folder first.
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="SkEmbeddingGemma" /><package pattern="SkEmbeddingGemma.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
global=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
rm -rf "$global"/skembeddinggemma "$global"/skembeddinggemma.*

new_app() { # name, packages...
  local name=$1; shift
  mkdir -p "$work/$name"
  cp "$repo/.ci/package-test/$name/Program.cs" "$work/$name/"
  cat > "$work/$name/$name.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
</Project>
XML
  local package
  for package in "$@"; do
    local id=${package%@*} ver=${package#*@}
    [ "$ver" = "$package" ] && ver=$version
    (cd "$work/$name" && dotnet add package "$id" --version "$ver" --no-restore >/dev/null)
  done
  (cd "$work/$name" && dotnet restore --configfile "$work/nuget.config" -v quiet >/dev/null && dotnet build -c Release --no-restore -v quiet --nologo >/dev/null)
}
graph() { (cd "$work/$1" && dotnet list package --include-transitive); }
# The graph is read whole before grep -q: under pipefail, grep -q leaving early would fail the listing with SIGPIPE.
refuse() { # app, package id pattern, why
  local listing
  listing=$(graph "$1")
  if grep -Eq "^ +> ($2) " <<<"$listing"; then
    echo "$listing" >&2
    echo "package test: the $1 app's dependency graph contains $2 ($3)" >&2; exit 1
  fi
}
require() {
  local listing
  listing=$(graph "$1")
  grep -Eq "^ +> ($2) " <<<"$listing" || { echo "$listing" >&2; echo "package test: the $1 app lacks $2" >&2; exit 1; }
}

step "AddEmbeddingGemma app (SkEmbeddingGemma.Extensions)"
new_app gemma SkEmbeddingGemma.Extensions Microsoft.Extensions.DependencyInjection@10.0.14 Microsoft.Extensions.Caching.Memory@10.0.14 \
  Microsoft.Extensions.Logging@10.0.14
require gemma 'SkEmbeddingGemma|Microsoft\.ML\.OnnxRuntime'
refuse gemma 'Microsoft\.SemanticKernel[.A-Za-z]*|SkEmbeddingGemma\.VectorData\.Faiss' "AddEmbeddingGemma must pull neither Semantic Kernel nor FAISS"
(cd "$work/gemma" && dotnet run -c Release --no-build -- "$work/model")

step "connector-only app (SkEmbeddingGemma.VectorData.Faiss)"
new_app faiss SkEmbeddingGemma.VectorData.Faiss Microsoft.Extensions.DependencyInjection@10.0.14
refuse faiss 'Microsoft\.ML\.OnnxRuntime[.A-Za-z]*|Microsoft\.ML\.Tokenizers|SkEmbeddingGemma|Microsoft\.SemanticKernel[.A-Za-z]*' "the connector needs no ONNX Runtime, tokenizer or generator"
mkdir -p "$work/faiss-data"
(cd "$work/faiss" && dotnet run -c Release --no-build -- "$work/faiss-data")

step "FAISS + EmbeddingGemma + Semantic Kernel app (SkEmbeddingGemma.SemanticKernel)"
new_app full SkEmbeddingGemma.SemanticKernel Microsoft.Extensions.DependencyInjection@10.0.14
require full 'SkEmbeddingGemma\.VectorData\.Faiss|SkEmbeddingGemma\.Extensions|Microsoft\.SemanticKernel\.Core'
mkdir -p "$work/full-data"
(cd "$work/full" && dotnet run -c Release --no-build -- "$work/model" "$work/full-data")

step "tool (SkEmbeddingGemma.Tool)"
(cd "$work" && dotnet tool install SkEmbeddingGemma.Tool --version "$version" --tool-path "$work/tool" --configfile "$work/nuget.config" >/dev/null)
du -sh "$work/tool/.store" | sed 's/^/installed tool: /'
line=$(echo '{"text": "Which planet is known as the Red Planet?"}' | "$work/tool/embeddinggemma" tokenize --model "$work/model" --prompt-name query --input - --output -)
echo "$line"
grep -Eq '^\{"line": ?1, ?"ids": ?\[2(, ?[0-9]+)+, ?1\]\}$' <<<"$line" || { echo "package test: unexpected tokenize output" >&2; exit 1; }
# The store commands load the FAISS library from the tool's runtimes/linux-x64/native/.
echo '{"id": "mars", "text": "Mars is the red planet."}' | "$work/tool/embeddinggemma" index --model "$work/model" --store "$work/tool-docs.db" --input - 2>/dev/null
hit=$("$work/tool/embeddinggemma" search --model "$work/model" --store "$work/tool-docs.db" --query "Which planet is red?" --top 1)
echo "$hit"
grep -Eq '"id": ?"mars"' <<<"$hit" || { echo "package test: unexpected search output" >&2; exit 1; }
step "passed"
