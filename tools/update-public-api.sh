#!/usr/bin/env bash
# Regenerates the PublicAPI.Shipped.txt / PublicAPI.Unshipped.txt files that Microsoft.CodeAnalysis.PublicApiAnalyzers
# checks (RS0016: a public symbol missing from them; RS0017: a listed symbol that no longer exists; both fail the build).
#
#   tools/update-public-api.sh                 add new public API to Unshipped and mark removed API, in every shipped library
#   tools/update-public-api.sh --ship          record the whole current surface as Shipped (Unshipped emptied): after a release,
#                                              or to regenerate both files from scratch after merging branches
#   tools/update-public-api.sh [--ship] src/X  only the named project folders (or .csproj files)
#
# Shipped libraries are the src/*/*.csproj with <IsPackable>true</IsPackable>, except the .NET tool (PackAsTool).
# It uses the analyzers' own code fixes through `dotnet format analyzers`, so the lines are exactly what the analyzer wants;
# review the diff (`git diff -- '*PublicAPI*'`) before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."

ship=false
targets=()
for arg in "$@"; do
  case "$arg" in
    --ship) ship=true ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) targets+=("$arg") ;;
  esac
done

if [ "${#targets[@]}" -eq 0 ]; then
  while IFS= read -r project; do
    grep -q '<PackAsTool>true</PackAsTool>' "$project" || targets+=("$project")
  done < <(grep -l '<IsPackable>true</IsPackable>' src/*/*.csproj | sort)
fi

header='#nullable enable'
for target in "${targets[@]}"; do
  if [ -d "$target" ]; then project=$(ls "$target"/*.csproj | head -n 1); else project="$target"; fi
  dir=$(dirname "$project")
  shipped="$dir/PublicAPI.Shipped.txt"
  unshipped="$dir/PublicAPI.Unshipped.txt"
  [ -f "$shipped" ] || echo "$header" > "$shipped"
  [ -f "$unshipped" ] || echo "$header" > "$unshipped"
  if $ship; then
    # From scratch: every public symbol the compiler sees goes to Unshipped, then moves to Shipped.
    echo "$header" > "$shipped"
    echo "$header" > "$unshipped"
  fi
  echo "== $project"
  # RS0016 adds what is missing (Unshipped), RS0017 removes what is gone (or marks Shipped lines *REMOVED*).
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 --severity info --verbosity quiet
  if $ship; then
    { echo "$header"; grep -v -e '^#nullable' -e '^$' "$unshipped" | LC_ALL=C sort -u; } > "$shipped"
    echo "$header" > "$unshipped"
  else
    { echo "$header"; grep -v -e '^#nullable' -e '^$' "$unshipped" | LC_ALL=C sort -u; } > "$unshipped.tmp"
    mv "$unshipped.tmp" "$unshipped"
  fi
  echo "   $(($(wc -l < "$shipped") - 1)) shipped, $(($(wc -l < "$unshipped") - 1)) unshipped lines"
done
