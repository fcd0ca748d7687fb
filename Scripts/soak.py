#!/usr/bin/env python3
"""Soak test: `chimera proxy` is killed and restarted again and again while concurrent clients
(unary and streaming) run through `chimera serve` in proxy mode.

Real processes on loopback: `chimera simulate` (the upstream providers, which count every request
per model string), `chimera proxy` in front of it, and `chimera serve` in proxy mode pointing at
the proxy (and, for fallback, at the simulator directly). Every client request carries a model
string no other request uses, so the simulator's count per model is the number of times that one
request was sent upstream.

Each phase (fallback on, fallback off) prints a summary; the exit status is 1 when a promise is
broken: with fallback on, any failed request (with SIGKILL, any that failed before its answer
began: a stream already under way when the proxy dies ends with a clear error, as it is never
replayed; with SIGTERM the proxy drains, so none may fail), in any phase a failure that is not a clear error, a
hang (no outcome within the deadline), a request sent upstream more often than the retry policy
allows, or a proxy restart after which health did not return within one check interval (plus
the check's own time).

    Scripts/soak.py --duration 60 --clients 32           (after `swift build`)
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

PROVIDERS = {
    "openai": "gpt-4.1",
    "anthropic": "claude-sonnet-4-5",
    "gemini": "gemini-2.5-flash",
    "deepseek": "deepseek-chat",
    "qwen": "qwen-plus",
    "cursor": "cursor-small",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port} after {timeout}s")


def get_json(url, timeout=5.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, json.load(response)


def process_figures(pid):
    """Open file descriptors and resident memory (KiB) of a process."""
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    rss = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return fds, rss


class Processes:
    """The simulator, the proxy (restartable on a fixed port) and chimera serve."""

    def __init__(self, binary, workdir, fallback, retries, interval):
        self.binary = binary
        self.workdir = workdir
        self.retries = retries
        self.interval = interval
        self.simulator_port = free_port()
        self.proxy_port = free_port()
        self.serve_port = free_port()
        self.simulator = self.spawn("simulate", ["simulate", "--port", str(self.simulator_port)], {})
        wait_for_port(self.simulator_port, self.simulator)
        upstream = {}
        for provider in PROVIDERS:
            prefix = provider.upper()
            family_path = "/v1" if provider not in ("anthropic", "gemini") else ""
            upstream[f"{prefix}_BASE_URL"] = f"http://127.0.0.1:{self.simulator_port}{family_path}"
            upstream[f"{prefix}_API_KEY"] = "soak-key"
        # The proxy does not retry upstream itself, so the simulator's counts are the client's attempts.
        self.proxy_environment = dict(upstream, CHIMERA_MAX_RETRIES="0")
        self.proxy = None
        self.proxy_generation = 0
        self.start_proxy()
        serve_environment = dict(
            upstream,
            API_CONNECTION_MODE="proxy",
            PROXY_SERVER_URL=f"http://127.0.0.1:{self.proxy_port}",
            PROXY_MAX_RETRIES=str(retries),
            PROXY_FALLBACK_TO_DIRECT="true" if fallback else "false",
            PROXY_CONNECT_TIMEOUT_SECONDS="1",
            PROXY_TIMEOUT_SECONDS="10",
            PROXY_STREAM_IDLE_TIMEOUT_SECONDS="10",
            PROXY_HEALTH_CHECK_INTERVAL_SECONDS=str(interval),
            CHIMERA_CONNECT_TIMEOUT_SECONDS="1",
            CHIMERA_REQUEST_TIMEOUT_SECONDS="10",
            CHIMERA_MAX_RETRIES="0",
        )
        self.serve = self.spawn("serve", ["serve", "--port", str(self.serve_port)], serve_environment)
        wait_for_port(self.serve_port, self.serve)

    def spawn(self, name, arguments, environment):
        log = open(os.path.join(self.workdir, f"{name}.log"), "ab")
        base = {key: value for key, value in os.environ.items() if not key.endswith(("_API_KEY", "_BASE_URL"))}
        return subprocess.Popen([self.binary] + arguments, stdout=log, stderr=subprocess.STDOUT,
                                env=dict(base, **environment))

    def start_proxy(self):
        self.proxy_generation += 1
        self.proxy = self.spawn("proxy", ["proxy", "--port", str(self.proxy_port)], self.proxy_environment)
        wait_for_port(self.proxy_port, self.proxy)

    def stop_proxy(self, how):
        self.proxy.send_signal(how)
        self.proxy.wait(timeout=30)

    def stats(self):
        return get_json(f"http://127.0.0.1:{self.simulator_port}/_simulator/stats")[1]

    def close(self):
        for process in (self.serve, self.proxy, self.simulator):
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.succeeded = 0
        self.clear_errors = {}
        self.unclear = []
        self.hung = 0
        self.routes = {}
        self.models = []  # (model, outcome)

    def record(self, model, outcome, detail=None, route=None):
        with self.lock:
            self.sent += 1
            self.models.append((model, outcome))
            if outcome == "ok":
                self.succeeded += 1
                self.routes[route] = self.routes.get(route, 0) + 1
            elif outcome == "hung":
                self.hung += 1
            elif outcome == "clear":
                self.clear_errors[detail] = self.clear_errors.get(detail, 0) + 1
            else:
                if len(self.unclear) < 20:
                    self.unclear.append(detail)
                else:
                    self.unclear.append("…")


def clear_error(body):
    """The error type when `body` is Chimera's error JSON with a type and a message, else None."""
    try:
        error = json.loads(body)["error"]
    except (ValueError, KeyError, TypeError):
        return None
    if isinstance(error, dict) and error.get("type") and error.get("message"):
        return f"{error['type']}/{error.get('status', '-')}"
    return None


def one_request(port, provider, model, stream, deadline):
    """Returns (outcome, detail, route): outcome is ok, clear, unclear or hung."""
    started = time.monotonic()
    body = json.dumps({"provider": provider, "model": model, "prompt": f"soak {model}", "stream": stream})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=deadline)
    try:
        connection.request("POST", "/api/v1/generate", body, {"content-type": "application/json"})
        response = connection.getresponse()
        if response.status != 200:
            text = response.read().decode("utf-8", "replace")
            kind = clear_error(text)
            return ("clear", kind, None) if kind else ("unclear", f"HTTP {response.status}: {text[:200]}", None)
        if not stream:
            answer = json.loads(response.read())
            if answer.get("text"):
                return "ok", None, answer.get("route")
            return "unclear", f"200 without text: {answer}", None
        event = None
        began = False
        for raw in response:
            if time.monotonic() - started > deadline:
                return "hung", None, None
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if line.startswith("event:"):
                event = line[6:].strip()
                began = began or event == "delta"
            elif line.startswith("data:") and event == "done":
                return "ok", None, json.loads(line[5:]).get("route")
            elif line.startswith("data:") and event == "error":
                kind = clear_error(line[5:])
                where = "mid-stream" if began else "stream"
                return ("clear", f"{where} {kind}", None) if kind else ("unclear", f"error event: {line[:200]}", None)
        return "unclear", "stream ended without done or error", None
    except socket.timeout:
        return "hung", None, None
    except (OSError, http.client.HTTPException, ValueError) as error:
        return "unclear", f"{type(error).__name__}: {error}", None
    finally:
        connection.close()


def run_phase(arguments, fallback):
    workdir = tempfile.mkdtemp(prefix="chimera-soak-")
    processes = Processes(arguments.chimera, workdir, fallback, arguments.retries, arguments.interval)
    tally = Tally()
    stop = threading.Event()
    counter = iter(range(1, 1 << 30))
    counter_lock = threading.Lock()
    restarts = []
    broken = []

    def client(index):
        rng = random.Random(index)
        while not stop.is_set():
            with counter_lock:
                unique = next(counter)
            provider = rng.choice(list(PROVIDERS))
            # split=<n> is harmless (the simulator's chunk size) and makes the model string unique.
            model = f"{PROVIDERS[provider]}@split={unique + 1000}"
            stream = unique % 2 == 0
            started = time.monotonic()
            outcome, detail, route = one_request(processes.serve_port, provider, model, stream, arguments.deadline)
            if outcome != "hung" and time.monotonic() - started > arguments.deadline:
                outcome, detail = "hung", None
            tally.record(model, outcome, detail, route)

    def chaos():
        how = signal.SIGKILL if arguments.signal == "KILL" else signal.SIGTERM
        while not stop.wait(arguments.kill_every):
            processes.stop_proxy(how)
            time.sleep(arguments.down)
            processes.start_proxy()
            restarted = time.monotonic()
            up_after = healthy_after = None
            while time.monotonic() - restarted < arguments.kill_every - 0.1 and healthy_after is None:
                try:
                    status, report = get_json(f"http://127.0.0.1:{processes.serve_port}/health/proxy", timeout=2)
                    if status == 200 and up_after is None:
                        up_after = time.monotonic() - restarted
                    if report.get("status") == "healthy":
                        healthy_after = time.monotonic() - restarted
                except (OSError, ValueError):
                    pass  # 503 while unhealthy, or serve busy: poll again
                time.sleep(0.05)
            restarts.append((up_after, healthy_after))

    # Warm-up: one request per provider, then the baseline figures of chimera serve.
    for provider, model in PROVIDERS.items():
        one_request(processes.serve_port, provider, model, False, arguments.deadline)
    fds_before, rss_before = process_figures(processes.serve.pid)
    threads = [threading.Thread(target=client, args=(index,)) for index in range(arguments.clients)]
    chaos_thread = threading.Thread(target=chaos)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    chaos_thread.start()
    time.sleep(arguments.duration)
    stop.set()
    for thread in threads:
        thread.join(arguments.deadline + 5)
    chaos_thread.join(60)
    elapsed = time.monotonic() - started
    still_running = sum(thread.is_alive() for thread in threads)
    time.sleep(0.5)
    fds_after, rss_after = process_figures(processes.serve.pid)
    counts = processes.stats().get("requestsByModel", {})
    processes.close()

    allowed = 1 + arguments.retries + (1 if fallback else 0)
    duplicated = [model for model, _ in tally.models if counts.get(model, 0) > allowed]
    resent = sum(1 for model, _ in tally.models if counts.get(model, 0) > 1)
    phantom = [model for model, outcome in tally.models if outcome == "ok" and counts.get(model, 0) == 0]
    failed_unclear = tally.sent - tally.succeeded - sum(tally.clear_errors.values()) - tally.hung
    # "Up" is any status but unhealthy (the proxy answers checks again); "healthy" may lag
    # behind it by design while failed checks are still among the recent ones (degraded).
    slow_recoveries = [up for up, _ in restarts if up is None or up > arguments.interval + 2.5]
    cut_mid_stream = sum(count for kind, count in tally.clear_errors.items() if kind.startswith("mid-stream"))

    print(f"\n=== fallback {'on' if fallback else 'off'}: {arguments.clients} clients, {elapsed:.0f} s, "
          f"proxy {'SIGKILL' if arguments.signal == 'KILL' else 'SIGTERM'}ed and restarted every "
          f"{arguments.kill_every} s (down {arguments.down} s), PROXY_MAX_RETRIES={arguments.retries}")
    print(f"requests sent:              {tally.sent}")
    print(f"succeeded:                  {tally.succeeded}  (by route: {tally.routes})")
    print(f"failed with clear errors:   {sum(tally.clear_errors.values())}  {tally.clear_errors}"
          f"  (of which streams cut mid-answer, never replayed: {cut_mid_stream})")
    print(f"failed without clear error: {failed_unclear}  {tally.unclear[:5]}")
    print(f"hung (deadline {arguments.deadline} s):       {tally.hung}  (clients still running at the end: {still_running})")
    print(f"duplicated (> {allowed} upstream): {len(duplicated)}  (sent upstream more than once within the policy: {resent}; "
          f"answered without reaching upstream: {len(phantom)})")
    ups = [up for up, _ in restarts if up is not None]
    healthy = [h for _, h in restarts if h is not None]
    print(f"proxy restarts:             {len(restarts)}; health up again (not unhealthy) after max "
          f"{max(ups) if ups else float('nan'):.2f} s (check interval {arguments.interval} s), not up in time: "
          f"{len(slow_recoveries)}; status 'healthy' again before the next kill: {len(healthy)}/{len(restarts)}")
    print(f"chimera serve fds:          {fds_before} before, {fds_after} after")
    print(f"chimera serve RSS:          {rss_before / 1024:.1f} MiB before, {rss_after / 1024:.1f} MiB after")
    print(f"logs:                       {workdir}")

    # A proxy stopped with SIGTERM drains: even streams under way must finish.
    excused = cut_mid_stream if arguments.signal == "KILL" else 0
    if fallback and tally.succeeded + excused != tally.sent:
        broken.append("fallback on, yet requests failed" + (" before their answer began" if excused else ""))
    if failed_unclear:
        broken.append("failures without a clear error")
    if tally.hung or still_running:
        broken.append("hung requests")
    if duplicated:
        broken.append(f"duplicated requests, e.g. {duplicated[:3]}")
    if phantom:
        broken.append(f"answers that never reached upstream, e.g. {phantom[:3]}")
    if slow_recoveries:
        broken.append(f"health not back within one interval after {len(slow_recoveries)} restarts")
    for problem in broken:
        print(f"BROKEN: {problem}")
    return not broken


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--chimera", default=os.path.join(root, ".build", "debug", "chimera"), help="the chimera binary")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load per phase")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--deadline", type=float, default=25, help="seconds after which a request counts as hung")
    parser.add_argument("--kill-every", type=float, default=4, help="seconds between proxy kills")
    parser.add_argument("--down", type=float, default=1, help="seconds the proxy stays down")
    parser.add_argument("--signal", choices=["KILL", "TERM"], default="KILL", help="how the proxy is stopped")
    parser.add_argument("--retries", type=int, default=2, help="PROXY_MAX_RETRIES")
    parser.add_argument("--interval", type=float, default=1, help="PROXY_HEALTH_CHECK_INTERVAL_SECONDS")
    parser.add_argument("--fallback", choices=["on", "off", "both"], default="both")
    arguments = parser.parse_args()
    phases = {"on": [True], "off": [False], "both": [True, False]}[arguments.fallback]
    results = [run_phase(arguments, fallback) for fallback in phases]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
