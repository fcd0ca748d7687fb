#!/usr/bin/env bash
# Builds chimera and runs the soak (Scripts/soak.py): the proxy killed and restarted while 32
# clients run through `chimera serve` in proxy mode, with fallback on and then off.
# Arguments go to soak.py, e.g. Scripts/soak.sh --duration 60 --clients 32 --signal KILL
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build --product chimera
exec python3 "$root/Scripts/soak.py" --chimera "$(swift build --show-bin-path)/chimera" "$@"
