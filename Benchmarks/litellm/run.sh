#!/usr/bin/env bash
# Runs LiteLLM's proxy and `chimera proxy` side by side on one provider simulator and measures
# both with the same load generator (`chimera bench --target-url`): requests/s at concurrency 32
# and latency added over the bare simulator at concurrency 1, unary and streamed; then the ratio.
#
# Offline apart from the one-time `pip install 'litellm[proxy]'` into a venv.
# Environment (all optional):
#   CHIMERA_BIN      the chimera binary          (default: .build/release/chimera, built if missing)
#   LITELLM_VENV     where the venv lives        (default: ${TMPDIR:-/tmp}/chimera-litellm-venv)
#   LITELLM_SPEC     what pip installs           (default: litellm[proxy])
#   LITELLM_WORKERS  LiteLLM's --num_workers     (default: 1, LiteLLM's own default)
#   REQUESTS         requests per scenario       (default: 2000)
#   TIME_LIMIT       seconds per scenario at most (default: 60)
#   MODEL            model string, simulator switches after @ (default: gpt-4.1@words=20)
#   OUT              where results go            (default: a new temporary directory)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHIMERA_BIN="${CHIMERA_BIN:-$ROOT/.build/release/chimera}"
LITELLM_VENV="${LITELLM_VENV:-${TMPDIR:-/tmp}/chimera-litellm-venv}"
LITELLM_SPEC="${LITELLM_SPEC:-litellm[proxy]}"
LITELLM_WORKERS="${LITELLM_WORKERS:-1}"
REQUESTS="${REQUESTS:-2000}"
TIME_LIMIT="${TIME_LIMIT:-60}"
MODEL="${MODEL:-gpt-4.1@words=20}"
OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/chimera-vs-litellm.XXXXXX")}"
mkdir -p "$OUT"

say() { printf '… %s\n' "$*"; }

if [[ ! -x "$CHIMERA_BIN" ]]; then
    say "building chimera (release); this takes several minutes"
    (cd "$ROOT" && swift build -c release --product chimera)
fi

if [[ ! -x "$LITELLM_VENV/bin/litellm" ]]; then
    say "creating $LITELLM_VENV and installing $LITELLM_SPEC from PyPI"
    python3 -m venv "$LITELLM_VENV"
    "$LITELLM_VENV/bin/pip" install --quiet "$LITELLM_SPEC"
fi
LITELLM_VERSION="$("$LITELLM_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("litellm"))')"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Answers 0 once `url` answers 200, within `seconds`.
wait_for() {
    local url="$1" seconds="$2" pid="$3"
    for _ in $(seq $((seconds * 10))); do
        if ! kill -0 "$pid" 2>/dev/null; then return 1; fi
        if python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" "$url" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    return 1
}

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# Both proxies require this key of their clients, as any shared deployment would (LiteLLM refuses
# to start without a master key); the load generator sends it, the simulator accepts any key.
export BENCH_API_KEY="sk-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"

SIM_PORT="$(free_port)"
"$CHIMERA_BIN" simulate --port "$SIM_PORT" >"$OUT/simulator.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$SIM_PORT/_simulator/stats" 15 "${PIDS[-1]}" || { echo "the simulator did not start; see $OUT/simulator.log" >&2; exit 1; }
SIMULATOR="http://127.0.0.1:$SIM_PORT/v1"

# LiteLLM: one model, routed to the simulator's OpenAI endpoint; the model name carries the
# simulator's switches, so every client sends the same string.
cat >"$OUT/litellm.yaml" <<YAML
model_list:
  - model_name: "$MODEL"
    litellm_params:
      model: "openai/$MODEL"
      api_base: "$SIMULATOR"
      api_key: "sk-simulated"
litellm_settings:
  telemetry: false
YAML
LITELLM_PORT="$(free_port)"
LITELLM_MASTER_KEY="$BENCH_API_KEY" \
LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS=True \
LITELLM_LOCAL_POLICY_TEMPLATES=True LITELLM_LOCAL_AUTOROUTER_PRESETS=True \
LITELLM_LOCAL_BLOG_POSTS=True LITELLM_TELEMETRY_DISABLED=true \
    "$LITELLM_VENV/bin/litellm" --config "$OUT/litellm.yaml" --host 127.0.0.1 --port "$LITELLM_PORT" \
    --num_workers "$LITELLM_WORKERS" >"$OUT/litellm.log" 2>&1 &
PIDS+=($!)
say "starting LiteLLM $LITELLM_VERSION on port $LITELLM_PORT (its start takes a while)"
wait_for "http://127.0.0.1:$LITELLM_PORT/health/liveliness" 180 "${PIDS[-1]}" || { echo "LiteLLM did not start; see $OUT/litellm.log" >&2; tail -20 "$OUT/litellm.log" >&2; exit 1; }

# chimera proxy, upstream = the same simulator (not its own --simulate one), so both proxies
# forward to the same process.
CHIMERA_PORT="$(free_port)"
CHIMERA_PROXY_API_KEY="$BENCH_API_KEY" OPENAI_BASE_URL="$SIMULATOR" OPENAI_API_KEY="sk-simulated" CHIMERA_LOG_LEVEL=error \
    "$CHIMERA_BIN" proxy --port "$CHIMERA_PORT" >"$OUT/chimera-proxy.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$CHIMERA_PORT/health" 15 "${PIDS[-1]}" || { echo "chimera proxy did not start; see $OUT/chimera-proxy.log" >&2; exit 1; }

for name in litellm chimera; do
    if [[ $name == litellm ]]; then port="$LITELLM_PORT"; else port="$CHIMERA_PORT"; fi
    say "measuring $name (http://127.0.0.1:$port/v1) against the simulator ($SIMULATOR)"
    "$CHIMERA_BIN" bench --target-url "http://127.0.0.1:$port/v1" --baseline-url "$SIMULATOR" \
        --model "$MODEL" --requests "$REQUESTS" --time-limit "$TIME_LIMIT" --json "$OUT/$name.json" | tee "$OUT/$name.txt"
done

python3 - "$OUT/litellm.json" "$OUT/chimera.json" "$LITELLM_VERSION" "$LITELLM_WORKERS" <<'PY'
import json, sys
litellm, chimera = (json.load(open(path)) for path in sys.argv[1:3])
version, workers = sys.argv[3], sys.argv[4]

def scenario(report, kind, concurrency):
    return next(s for s in report["scenarios"] if s["target"] == "target" and s["kind"] == kind and s["concurrency"] == concurrency)

def added(report, kind, field):
    s = scenario(report, kind, 1)
    return s[field]["p50"] if s.get(field) else float("nan")

print(f"\n== chimera proxy versus LiteLLM {version} ({workers} worker(s)), {chimera['machine']['cores']} cores, model {chimera['model']}")
rows = [("", "LiteLLM", "chimera proxy", "ratio")]
for kind in ("unary", "stream"):
    l, c = scenario(litellm, kind, 32), scenario(chimera, kind, 32)
    rows.append((f"{kind} req/s at concurrency 32", f"{l['requestsPerSecond']:.0f}", f"{c['requestsPerSecond']:.0f}",
                 f"{c['requestsPerSecond'] / l['requestsPerSecond']:.1f}x" if l["requestsPerSecond"] else "-"))
for kind, field, label in (("unary", "addedTotal", "unary added p50 ms, conc 1"),
                           ("stream", "addedFirstToken", "stream TTFT added p50 ms, conc 1"),
                           ("stream", "addedTotal", "stream total added p50 ms, conc 1")):
    l, c = added(litellm, kind, field), added(chimera, kind, field)
    rows.append((label, f"{l:.3f}", f"{c:.3f}", f"{l / c:.1f}x less" if c > 0 else "-"))
for kind in ("unary", "stream"):
    for concurrency in (1, 32):
        for name, report in (("LiteLLM", litellm), ("chimera", chimera)):
            s = scenario(report, kind, concurrency)
            if s["failed"]:
                rows.append((f"{name} {kind} conc {concurrency} failures", str(s["failed"]), s.get("firstFailure") or "", ""))
widths = [max(len(r[i]) for r in rows) for i in range(4)]
for r in rows:
    print("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)))
PY
echo "results: $OUT"
