#!/usr/bin/env python3
"""What a cache miss costs: `chimera proxy --simulate` with the cache off, in memory and in
PostgreSQL, each loaded by wrk with requests that are never the same (every one a miss), in one
run. Prints requests/s and p50 latency for each, and each as a ratio to the uncached proxy.

    CHIMERA_BIN=.build/release/chimera python3 Scripts/bench-cache-miss.py [seconds]

Needs wrk and PostgreSQL (Debian's packages); starts and stops its own PostgreSQL server
(Tests/ScaleOut/scale_out_test.py's) and proxies, all on 127.0.0.1.
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "ScaleOut"))
from scale_out_test import KEY, Postgres, chimera, free_port, wait_for_port  # noqa: E402

SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
CONNECTIONS = [1, 16]

# Every request a new text: a miss each time, so the cache only costs (lookup, then store).
SCRIPT = """
local thread_id = 0
local counter = 0
function init(args)
  run = args[1]
end
function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end
function request()
  counter = counter + 1
  local body = '{"model":"gpt-4.1@words=20","messages":[{"role":"user","content":"miss ' .. run .. '-' .. id .. '-' .. counter .. '"}]}'
  return wrk.format("POST", "/v1/chat/completions", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %s"}, body)
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%f\\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, latency:percentile(50) / 1000))
end
""" % KEY


def start(env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([chimera(), "proxy", "--simulate", "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, env={**os.environ, "CHIMERA_LOG_LEVEL": "error", "CHIMERA_PROXY_API_KEY": KEY, **env})
    wait_for_port(port, "chimera proxy", process)
    return process, port


runs = 0


def wrk(port: int, connections: int, script: Path) -> tuple[float, int, float]:
    global runs
    runs += 1
    threads = min(connections, 2)
    # The run's number goes into every text, so no run repeats another's requests.
    output = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{SECONDS}s", "-s", str(script), f"http://127.0.0.1:{port}", "--", str(runs)],
                            capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    requests, errors, p50 = line.split()[1:]
    return int(requests) / SECONDS, int(errors), float(p50)


def main():
    folder = Path(tempfile.mkdtemp(prefix="chimera-cache-bench-"))
    os.chmod(folder, 0o777)
    script = folder / "miss.lua"
    script.write_text(SCRIPT)
    postgres = Postgres(folder)
    targets = {
        "cache off": {},
        "memory": {"CHIMERA_CACHE": "memory"},
        "postgres": {"CHIMERA_CACHE": "postgres", "CHIMERA_POSTGRES_URL": postgres.url},
    }
    processes = {}
    try:
        for name, env in targets.items():
            processes[name] = start(env)
        print(f"{os.cpu_count()} cores, {SECONDS} s per cell, every request a miss (gpt-4.1@words=20, unary), binary {chimera()}")
        print(f"{'target':<10} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'errors':>6} {'req/s ratio':>11} {'p50 ratio':>9}")
        for connections in CONNECTIONS:
            baseline = None
            for name, (_, port) in processes.items():
                wrk(port, connections, script)  # warm-up: connections, the table, the first allocations
                rate, errors, p50 = wrk(port, connections, script)
                baseline = baseline or (rate, p50)
                print(f"{name:<10} {connections:>5} {rate:>8.0f} {p50:>8.3f} {errors:>6} {rate / baseline[0]:>11.2f} {p50 / baseline[1]:>9.2f}", flush=True)
    finally:
        for process, _ in processes.values():
            process.terminate()
            process.wait(timeout=30)
        postgres.stop()


if __name__ == "__main__":
    main()
