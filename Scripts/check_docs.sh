#!/usr/bin/env bash
# Builds the documentation catalog of every library target with DocC and fails on any warning:
# a link to a symbol that does not exist, a parameter documented under the wrong name, a
# malformed article.
#
# usage: Scripts/check_docs.sh
#
# The symbol graphs are built in .build-docs, apart from the regular build. A link to a symbol of
# another module cannot resolve in a single catalog, so such symbols are written in code voice.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docc >/dev/null 2>&1; then
    echo "docc is not on PATH; skipping the documentation check"
    exit 0
fi

modules=(Scheduling Pipelines SchedulingTesting SchedulingSQLite)
# Kept between runs: a build with nothing to do writes no graphs.
graphs=.build-docs/symbol-graphs
mkdir -p "$graphs"
for module in "${modules[@]}"; do
    swift build --scratch-path .build-docs --target "$module" \
        -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc "$PWD/$graphs" \
        -Xswiftc -symbol-graph-minimum-access-level -Xswiftc public
done

status=0
for module in "${modules[@]}"; do
    own=".build-docs/graphs-$module"
    rm -rf "$own"
    mkdir -p "$own"
    # The module's own graph and its extensions of other modules' types.
    cp "$graphs/$module.symbols.json" "$own/"
    cp "$graphs/$module"@*.symbols.json "$own/" 2>/dev/null || true
    if docc convert "Sources/$module/Documentation.docc" \
        --additional-symbol-graph-dir "$own" \
        --fallback-display-name "$module" --fallback-bundle-identifier "$module" \
        --output-path ".build-docs/$module.doccarchive" \
        --analyze --warnings-as-errors; then
        echo "$module: documentation builds without warnings"
    else
        status=1
    fi
done
exit $status
