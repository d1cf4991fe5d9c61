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
  echo "== $project"
  # The analyzer's RS0016 code fix lists every public symbol when both files are empty (its fix-all does not run
  # reliably against non-empty files), so: list the whole current surface, then compare it with what was shipped.
  body() { { grep -v -e '^#nullable' -e '^$' -e '^\*REMOVED\*' "$1" || true; } | LC_ALL=C sort -u; }
  previous=$(body "$shipped")
  echo "$header" > "$shipped"
  echo "$header" > "$unshipped"
  dotnet format analyzers "$project" --diagnostics RS0016 --severity info --verbosity quiet
  current=$(body "$unshipped")
  if $ship; then
    { echo "$header"; [ -z "$current" ] || echo "$current"; } > "$shipped"
    echo "$header" > "$unshipped"
  else
    # Shipped stays as it was; Unshipped gets what is new and marks what is gone (*REMOVED*), as the analyzer expects.
    { echo "$header"; [ -z "$previous" ] || echo "$previous"; } > "$shipped"
    {
      echo "$header"
      LC_ALL=C comm -13 <(echo "$previous") <(echo "$current") | grep -v '^$' || true
      LC_ALL=C comm -23 <(echo "$previous") <(echo "$current") | grep -v '^$' | sed 's/^/*REMOVED*/' || true
    } > "$unshipped"
  fi
  echo "   $(($(wc -l < "$shipped") - 1)) shipped, $(($(wc -l < "$unshipped") - 1)) unshipped lines"
done
