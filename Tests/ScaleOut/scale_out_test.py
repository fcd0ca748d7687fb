#!/usr/bin/env python3
"""Several `chimera proxy` instances behind nginx, sharing a response cache in PostgreSQL
(docs/scale-out.md), with nothing but the standard library, Debian's nginx and PostgreSQL.

1. A PostgreSQL server of its own (initdb in a temporary folder, on a free loopback port), two
   `chimera proxy --simulate` instances with CHIMERA_CACHE=postgres on that database, and nginx
   in front of both with the configuration docs/scale-out.md shows (Tests/ScaleOut/nginx.conf).
2. The shared cache: a request sent to instance A is a miss, the same request sent to instance
   B is a hit (B never asked its upstream), and through nginx a hit as well; a streamed answer
   replays the same bytes.
3. A graceful stop under load: 32 clients send unary and streamed requests through nginx while
   instance A gets SIGTERM; no request may fail, and every stream must end with its terminator.

Every server listens on 127.0.0.1 and is stopped at the end; exit status 1 on a failed check.
Binary: CHIMERA_BIN, else .build/debug/chimera. nginx: NGINX, else `nginx`. PostgreSQL: the
newest /usr/lib/postgresql/*/bin, else PG_BIN.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "scale-out-test-key-5f2e91"
CLIENTS = 32
LOAD_SECONDS = 8.0
STOP_AFTER = 2.5

failures: list[str] = []


def check(condition: bool, message: str):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}", flush=True)


def chimera() -> str:
    path = os.environ.get("CHIMERA_BIN", str(ROOT / ".build" / "debug" / "chimera"))
    if not Path(path).exists():
        sys.exit(f"{path} does not exist: run `swift build` first or set CHIMERA_BIN")
    return path


def postgres_bin() -> Path:
    if "PG_BIN" in os.environ:
        return Path(os.environ["PG_BIN"])
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions:
        sys.exit("PostgreSQL is not installed: apt-get install postgresql (or set PG_BIN)")
    return versions[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, what: str, process: subprocess.Popen, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{what} exited with status {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{what} did not listen on port {port} within {seconds:.0f} s")


def as_postgres_user(arguments: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI may be root.
    return ["runuser", "-u", "postgres", "--", *arguments] if os.geteuid() == 0 else arguments


class Postgres:
    def __init__(self, folder: Path):
        self.bin = postgres_bin()
        self.data = folder / "pgdata"
        self.port = free_port()
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
            shutil.chown(self.data, "postgres")
        subprocess.run(as_postgres_user([str(self.bin / "initdb"), "-D", str(self.data), "-U", "chimera", "-A", "trust", "--no-sync"]),
                       check=True, stdout=subprocess.DEVNULL)
        options = f"-p {self.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(as_postgres_user([str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(folder / "postgres.log"), "-w", "start"]),
                       check=True, stdout=subprocess.DEVNULL)
        self.url = f"postgres://chimera@127.0.0.1:{self.port}/postgres"

    def stop(self):
        subprocess.run(as_postgres_user([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"]), stdout=subprocess.DEVNULL)


def start_proxy(postgres_url: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "CHIMERA_LOG_LEVEL": "warning", "CHIMERA_CACHE": "postgres", "CHIMERA_POSTGRES_URL": postgres_url,
           "CHIMERA_PROXY_API_KEY": KEY}
    process = subprocess.Popen([chimera(), "proxy", "--simulate", "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, env=env)
    wait_for_port(port, "chimera proxy", process)
    return process, port


def start_nginx(folder: Path, upstreams: list[int]) -> tuple[subprocess.Popen, int]:
    port = free_port()
    template = (ROOT / "Tests" / "ScaleOut" / "nginx.conf").read_text()
    servers = "\n".join(f"        server 127.0.0.1:{upstream} max_fails=1 fail_timeout=10s;" for upstream in upstreams)
    config = template.replace("        server 127.0.0.1:8081 max_fails=1 fail_timeout=10s;\n        server 127.0.0.1:8082 max_fails=1 fail_timeout=10s;", servers)
    config = config.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};")
    # Everything nginx writes stays in the test's folder.
    prelude = f"daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/nginx-error.log warn;\n"
    if os.geteuid() == 0:
        prelude += "user root;\n"
    temp = "".join(f"    {kind}_temp_path {folder}/{kind};\n" for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
    config = prelude + config.replace("http {\n", "http {\n" + temp, 1)
    path = folder / "nginx.conf"
    path.write_text(config)
    process = subprocess.Popen([os.environ.get("NGINX", "nginx"), "-c", str(path), "-p", str(folder)], stdout=subprocess.DEVNULL)
    wait_for_port(port, "nginx", process)
    return process, port


def post(port: int, path: str, body: dict, timeout: float = 60) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", path, json.dumps(body), {"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def chat(text: str, stream: bool = False, model: str = "gpt-4.1@words=20") -> dict:
    return {"model": model, "stream": stream, "messages": [{"role": "user", "content": text}]}


def shared_cache(a: int, b: int, front: int):
    for stream in [False, True]:
        body = chat(f"shared cache, stream={stream}", stream)
        status, headers, first = post(a, "/v1/chat/completions", body)
        check(status == 200 and headers.get("chimera-cache") == "miss", f"instance A, stream={stream}: {status} {headers.get('chimera-cache')}")
        status, headers, replay = post(b, "/v1/chat/completions", body)
        check(status == 200 and headers.get("chimera-cache") == "hit", f"instance B after A, stream={stream}: {status} {headers.get('chimera-cache')}")
        check(replay == first, f"instance B replays A's bytes, stream={stream}")
        status, headers, _ = post(front, "/v1/chat/completions", body)
        check(status == 200 and headers.get("chimera-cache") == "hit", f"through nginx, stream={stream}: {status} {headers.get('chimera-cache')}")
    print("shared cache: a miss on A is a hit on B and through nginx", flush=True)


def load_with_a_stop(front: int, victim: subprocess.Popen):
    stop = time.monotonic() + LOAD_SECONDS
    counts = {"ok": 0}
    lock = threading.Lock()

    def client(index: int):
        n = 0
        while time.monotonic() < stop:
            n += 1
            stream = n % 2 == 0
            # A new text each time: every request reaches an upstream, none is a cache hit.
            body = chat(f"client {index} request {n}", stream, model="gpt-4.1@words=30,latency=5")
            try:
                status, _, answer = post(front, "/v1/chat/completions", body)
                ok = status == 200 and (not stream or answer.rstrip().endswith(b"data: [DONE]"))
                detail = f"status {status}, {answer[-80:]!r}"
            except Exception as error:  # noqa: BLE001 - every failure counts, whatever its kind
                ok, detail = False, repr(error)
            with lock:
                if ok:
                    counts["ok"] += 1
                else:
                    failures.append(f"client {index} request {n} (stream={stream}): {detail}")

    threads = [threading.Thread(target=client, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(STOP_AFTER)
    victim.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join()
    victim.wait(timeout=60)
    check(counts["ok"] > CLIENTS, f"only {counts['ok']} requests succeeded under load")
    print(f"graceful stop: {counts['ok']} requests through nginx, instance A stopped after {STOP_AFTER} s, {len(failures)} failures", flush=True)


def main():
    if shutil.which(os.environ.get("NGINX", "nginx")) is None:
        sys.exit("nginx is not installed: apt-get install nginx (or set NGINX)")
    folder = Path(tempfile.mkdtemp(prefix="chimera-scale-out-"))
    os.chmod(folder, 0o777)
    processes: list[subprocess.Popen] = []
    postgres = None
    try:
        postgres = Postgres(folder)
        a, port_a = start_proxy(postgres.url)
        b, port_b = start_proxy(postgres.url)
        processes += [a, b]
        front, port = start_nginx(folder, [port_a, port_b])
        processes.append(front)
        shared_cache(port_a, port_b, port)
        load_with_a_stop(port, a)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        if postgres:
            postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)
    if failures:
        print(f"{len(failures)} failed checks", flush=True)
        for failure in failures[:20]:
            print(f"  {failure}")
        sys.exit(1)
    print("scale-out: all checks passed")


if __name__ == "__main__":
    main()
