#!/usr/bin/env bash
# Regenerates the committed Swift for every .proto under Protos/.
#
# Usage:
#   PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift Scripts/generate-protos.sh
#
# Needs protoc (3.21 or newer; `apt-get install protobuf-compiler`) on PATH, or PROTOC set to it,
# and the protoc-gen-swift plugin of the SwiftProtobuf version the package resolves (1.39.0):
#   git clone https://github.com/apple/swift-protobuf.git && cd swift-protobuf
#   git checkout 1.39.0 && swift build -c release --product protoc-gen-swift
#   # the plugin is then .build/release/protoc-gen-swift
# CI never builds the plugin: the generated files are committed, so run this after editing a
# .proto and commit both.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proto_root="$repo_root/Protos"
output="$repo_root/Sources/ChimeraWire/Protobuf/Generated"
protoc="${PROTOC:-protoc}"

if [[ -z "${PROTOC_GEN_SWIFT:-}" ]]; then
    echo "error: set PROTOC_GEN_SWIFT to the protoc-gen-swift executable (see the top of $0)" >&2
    exit 64
fi
if [[ ! -x "$PROTOC_GEN_SWIFT" ]]; then
    echo "error: PROTOC_GEN_SWIFT=$PROTOC_GEN_SWIFT is not an executable file" >&2
    exit 66
fi
if ! command -v "$protoc" >/dev/null; then
    echo "error: protoc not found; install protobuf-compiler or set PROTOC" >&2
    exit 69
fi

# Generated code must match the SwiftProtobuf runtime the package builds against.
resolved="$repo_root/Package.resolved"
if [[ -f "$resolved" ]]; then
    runtime_version="$(grep -A6 '"identity" : "swift-protobuf"' "$resolved" | sed -n 's/.*"version" : "\(.*\)".*/\1/p')"
    plugin_version="$("$PROTOC_GEN_SWIFT" --version | awk '{print $2}')"
    if [[ -n "$runtime_version" && "$plugin_version" != "$runtime_version" ]]; then
        echo "error: protoc-gen-swift is $plugin_version but the package resolves SwiftProtobuf $runtime_version" >&2
        exit 65
    fi
fi

# Start from nothing so that a deleted or renamed .proto leaves no stale Swift behind.
rm -rf "$output"
mkdir -p "$output"

# Paths relative to Protos/ so that imports and generated file names read chimera/proxy/v1/….
cd "$proto_root"
find . -name '*.proto' -print0 | sort -z | xargs -0 "$protoc" \
    --proto_path=. \
    --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" \
    --swift_out="$output" \
    --swift_opt=Visibility=Public \
    --swift_opt=FileNaming=FullPath

echo "generated:"
find "$output" -name '*.pb.swift' | sed "s|$repo_root/||" | sort
