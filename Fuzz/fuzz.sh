#!/usr/bin/env bash
# Builds Chimera's libFuzzer targets and runs each for a bounded time.
#
#   Fuzz/fuzz.sh                 build, then run every target for FUZZ_SECONDS (default 20)
#   FUZZ_SECONDS=300 Fuzz/fuzz.sh SSEParserFuzz   one target, longer
#
# The targets are compiled with swiftc directly, not as SwiftPM products: `-sanitize=fuzzer`
# links libFuzzer's own `main`, which a normal `swift build` of the root package must not see,
# and a separate package would have to resolve (download) the root package's dependencies again.
# The modules under test are the root package's own sources (ChimeraCore, ChimeraWire) and the
# SwiftProtobuf checkout SwiftPM already made in .build, all instrumented for coverage.
# Corpora start from Fuzz/Corpus/<target> (captures of real traffic, see Fuzz/README.md) and
# grow in Fuzz/.build/corpus; a crash leaves its input in Fuzz/.build/crashes and fails the run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/Fuzz/.build"
seconds=${FUZZ_SECONDS:-20}
protobuf=${SWIFT_PROTOBUF_SOURCES:-$root/.build/checkouts/swift-protobuf/Sources/SwiftProtobuf}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(SSEParserFuzz JSONCodecFuzz ProtobufFuzz ConfigurationFuzz)

if [ ! -d "$protobuf" ]; then
    echo "SwiftProtobuf sources not found at $protobuf: run 'swift build' in $root first (or set SWIFT_PROTOBUF_SOURCES)" >&2
    exit 2
fi
mkdir -p "$out/modules" "$out/bin" "$out/crashes"
flags=(-O -g -wmo -swift-version 6 -parse-as-library -sanitize=fuzzer -I "$out/modules")

# module <name> <package> <source dir>: a static library and its module, rebuilt when a source
# is newer. The package name matters: SwiftProtobuf shares `package` declarations across files.
module() {
    local name=$1 package=$2 dir=$3 library="$out/modules/lib$1.a"
    if [ -f "$library" ] && [ -z "$(find "$dir" -name '*.swift' -newer "$library" -print -quit)" ]; then
        return
    fi
    echo "compiling $name"
    (cd "$out/modules" && find "$dir" -name '*.swift' -print0 | xargs -0 swiftc "${flags[@]}" \
        -module-name "$name" -package-name "$package" -emit-module -emit-library -static -o "$library")
}
module SwiftProtobuf swift_protobuf "$protobuf"
module ChimeraCore chimera "$root/Sources/ChimeraCore"
module ChimeraWire chimera "$root/Sources/ChimeraWire"

status=0
for target in "${targets[@]}"; do
    echo "building $target"
    swiftc "${flags[@]}" -o "$out/bin/$target" "$root/Fuzz/Targets/FuzzInput.swift" "$root/Fuzz/Targets/$target.swift" \
        -L "$out/modules" -lChimeraWire -lChimeraCore -lSwiftProtobuf
    mkdir -p "$out/corpus/$target"
    echo "running $target for ${seconds}s"
    # Swift's own backtracer would catch a crash before libFuzzer could save the input.
    if ! SWIFT_BACKTRACE=enable=no "$out/bin/$target" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$out/crashes/$target-" -print_final_stats=1 \
        "$out/corpus/$target" "$root/Fuzz/Corpus/$target" 2>"$out/$target.log"; then
        echo "$target FOUND A FAILURE: see $out/$target.log and $out/crashes" >&2
        status=1
    fi
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|^Done|cov:' "$out/$target.log" | tail -3
done
exit $status
