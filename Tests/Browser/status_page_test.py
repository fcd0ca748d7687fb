#!/usr/bin/env python3
"""The status page in a real browser: headless Chromium (Debian's `chromium`) over the Chrome
DevTools Protocol, with nothing but the standard library.

1. `chimera proxy --simulate` with a key; a small load runs against it (unary, streamed, a 503)
   while Chromium loads /status?key=…; after the page's script has polled, the DOM must show an
   upstream health band, at least one latency point, every request sent, the failed one marked,
   and no secret; a 375 px wide viewport must not scroll sideways. A PNG screenshot goes to
   docs/status-page.png.
2. `chimera serve` in proxy mode (PROXY_HEALTH_CHECK_INTERVAL_SECONDS=1) in front of that proxy:
   its band is healthy; the proxy is stopped; the open page (no reload) must turn the band red
   within one check interval plus one poll of the page.

Every server listens on 127.0.0.1 and is stopped at the end. Exit status 1 on a failed check.
Binary: CHIMERA_BIN, else .build/debug/chimera. Browser: CHROMIUM, else `chromium`.
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROXY_KEY = "sentinel-browser-proxy-key-41c9d2"
CHECK_INTERVAL = 1.0
POLL_SECONDS = 2.0  # StatusPage.pollMilliseconds


def chimera() -> str:
    path = os.environ.get("CHIMERA_BIN", str(ROOT / ".build" / "debug" / "chimera"))
    if not Path(path).exists():
        sys.exit(f"{path} does not exist: run `swift build` first or set CHIMERA_BIN")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(arguments: list[str], env: dict | None = None):
    port = free_port()
    process = subprocess.Popen(
        [chimera(), *arguments, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "CHIMERA_LOG_LEVEL": "warning", **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{arguments[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=1):
                return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    sys.exit(f"{arguments[0]} did not answer /health within 30 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def chat(base: str, model: str, stream: bool = False, route: str = "openai-custom") -> tuple[int, str]:
    """One OpenAI-style request to the proxy, to the upstream `route`; returns its status and x-request-id."""
    body = json.dumps({"model": model, "stream": stream, "messages": [{"role": "user", "content": "hello"}]}).encode()
    request = urllib.request.Request(f"{base}/{route}/v1/chat/completions", data=body, headers={
        "content-type": "application/json", "authorization": f"Bearer {PROXY_KEY}",
    })
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            return response.status, response.headers["x-request-id"]
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, error.headers["x-request-id"]


class DevTools:
    """A minimal client of one DevTools WebSocket (RFC 6455 text frames, client-masked)."""

    def __init__(self, url: str):
        parsed = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((parsed.hostname, parsed.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            f"GET {parsed.path} HTTP/1.1\r\nHost: {parsed.hostname}:{parsed.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed during the handshake")
            head += chunk
        head, self.pending = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"DevTools refused the WebSocket: {head!r}")
        self.next_id = 0

    def _send(self, opcode: int, payload: bytes) -> None:
        header = bytearray([0x80 | opcode])
        if len(payload) < 126:
            header.append(0x80 | len(payload))
        elif len(payload) < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.sock.sendall(bytes(header) + mask + masked)

    def _read(self, count: int) -> bytes:
        while len(self.pending) < count:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self.pending += chunk
        data, self.pending = self.pending[:count], self.pending[count:]
        return data

    def _message(self) -> dict:
        parts = []
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if second & 0x80 else None
            data = self._read(length)
            if mask:
                data = bytes(byte ^ mask[index % 4] for index, byte in enumerate(data))
            opcode = first & 0x0F
            if opcode == 8:
                raise ConnectionError("DevTools closed the WebSocket")
            if opcode == 9:
                self._send(10, data)
                continue
            parts.append(data)
            if first & 0x80:
                return json.loads(b"".join(parts))

    def call(self, method: str, **params):
        self.next_id += 1
        self._send(1, json.dumps({"id": self.next_id, "method": method, "params": params}).encode())
        while True:
            message = self._message()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.evaluate(expression):
                return True
            time.sleep(0.1)
        return False

    def navigate(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        if not self.wait_for("document.readyState === 'complete' && location.href.startsWith('http')", 15):
            raise RuntimeError(f"{url} did not load")


def start_browser(profile: str):
    browser = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        sys.exit("chromium is not installed (apt-get install -y chromium)")
    process = subprocess.Popen(
        [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
         "--no-first-run", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--window-size=1200,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if "DevTools listening on ws://" in line:
            port = urllib.parse.urlparse(line.split("listening on ", 1)[1].strip()).port
            threading.Thread(target=lambda: process.stderr.read(), daemon=True).start()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as response:
                pages = [target for target in json.load(response) if target["type"] == "page"]
            return process, DevTools(pages[0]["webSocketDebuggerUrl"])
        if process.poll() is not None:
            break
    process.kill()
    sys.exit("chromium did not open its DevTools port")


failures: list[str] = []


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def main() -> int:
    proxy, proxy_base = start(["proxy", "--simulate", "--api-key", PROXY_KEY])
    serve = browser = None
    profile = tempfile.mkdtemp(prefix="chimera-status-browser-")
    try:
        # The 503 first: the proxy retries it, so openai is unhealthy until the next success heals it.
        sent = [chat(proxy_base, model, stream, route) for model, stream, route in [
            ("gpt-4.1@status=503", False, "openai-custom"), ("gpt-4.1", False, "openai-custom"), ("gpt-4.1", True, "openai-custom"),
            ("claude-sonnet-4-5", False, "claude-custom"), ("claude-sonnet-4-5@latency=40", True, "claude-custom"),
            ("gpt-4.1@latency=30", False, "openai-custom"),
        ]]
        check([status for status, _ in sent] == [503, 200, 200, 200, 200, 200], f"the load was answered: {[s for s, _ in sent]}")
        failed_id = sent[0][1]
        during: list[str] = []
        loading = threading.Event()

        def load() -> None:
            while not loading.is_set() and len(during) < 40:
                during.append(chat(proxy_base, "gemini-2.5-flash@latency=20", len(during) % 2 == 1, "gemini-cli-oauth")[1])
                time.sleep(0.25)

        threading.Thread(target=load, daemon=True).start()

        browser, page = start_browser(profile)
        page.call("Page.enable")
        page.call("Runtime.enable")
        page.navigate(f"{proxy_base}/status?key={PROXY_KEY}")
        rendered = page.evaluate("document.querySelectorAll('tr[data-request-id]').length")
        check(rendered >= len(sent), f"the server-rendered page lists the requests sent before it ({rendered} rows)")
        check(page.wait_for("Number(document.body.dataset.polls) >= 1", 10), "the page's script polled /status.json")
        sent_so_far = list(during)
        polls = page.evaluate("Number(document.body.dataset.polls)")
        check(page.wait_for(f"Number(document.body.dataset.polls) > {polls}", 10), "and polled again")
        loading.set()
        ids = set(page.evaluate("[...document.querySelectorAll('tr[data-request-id]')].map(r => r.dataset.requestId)"))
        missing = [rid for rid in [rid for _, rid in sent] + sent_so_far if rid not in ids]
        check(not missing, f"the table lists every request sent ({len(sent) + len(sent_so_far)}), missing {missing}")
        check(page.evaluate(f"document.querySelector('tr[data-request-id=\"{failed_id}\"]').dataset.errorKind") == "upstream",
              "the 503 is marked with its kind")
        check(page.evaluate("document.querySelectorAll('svg.band rect.segment').length") >= 1, "a health band is drawn")
        check(page.evaluate("document.querySelector('article.subject[data-subject=\"openai\"]').dataset.status") in ("healthy", "degraded"),
              "openai's band has a status")
        points = page.evaluate("document.querySelectorAll('#latency-body circle.point').length")
        check(points >= 1, f"latency points are drawn ({points})")
        check(page.evaluate("!!document.querySelector('figure.chart[data-kind=\"ttft\"]')"), "a time-to-first-token chart is drawn")
        html = page.evaluate("document.documentElement.outerHTML")
        check(PROXY_KEY not in html and "simulated-key" not in html, "no secret in the page")
        check("hello" not in html, "no request content in the page")

        metrics = page.call("Page.getLayoutMetrics")["cssContentSize"]
        shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": 1200, "height": min(metrics["height"], 2200), "scale": 1})
        (ROOT / "docs" / "status-page.png").write_bytes(base64.b64decode(shot["data"]))
        print("     screenshot: docs/status-page.png")

        page.call("Emulation.setDeviceMetricsOverride", width=375, height=800, deviceScaleFactor=1, mobile=True)
        time.sleep(0.3)
        width = page.evaluate("document.documentElement.scrollWidth")
        check(width <= 376, f"a 375 px wide screen does not scroll sideways (content {width} px)")
        page.call("Emulation.clearDeviceMetricsOverride")

        serve, serve_base = start(["serve"], env={
            "API_CONNECTION_MODE": "proxy", "PROXY_SERVER_URL": proxy_base, "PROXY_API_KEY": PROXY_KEY,
            "PROXY_HEALTH_CHECK_INTERVAL_SECONDS": str(CHECK_INTERVAL), "CHIMERA_API_KEY": "",
        })
        page.navigate(f"{serve_base}/status")
        band = "document.querySelector('article.subject')"
        check(page.wait_for(f"{band} && {band}.dataset.status === 'healthy'", 10), "serve's proxy band is healthy")
        check(page.evaluate("!document.documentElement.outerHTML.includes('" + PROXY_KEY + "')"), "serve's page shows no proxy key")
        polls = page.evaluate("Number(document.body.dataset.polls)")
        stop(proxy)
        stopped = time.monotonic()
        limit = CHECK_INTERVAL + POLL_SECONDS + 1.5
        red = page.wait_for(f"{band}.dataset.status === 'unhealthy' && "
                            "[...document.querySelectorAll('svg.band rect.segment')].pop().dataset.status === 'unhealthy'", limit + 5)
        took = time.monotonic() - stopped
        repolled = page.evaluate("Number(document.body.dataset.polls)") > polls
        check(red and took <= limit and repolled,
              f"the stopped proxy turned the band red on the open page in {took:.1f} s (limit {limit:.1f} s: one check interval and one poll)")
    finally:
        for process in (browser, serve, proxy):
            if process:
                stop(process)
        shutil.rmtree(profile, ignore_errors=True)
    print(f"{'FAILED' if failures else 'passed'}: {len(failures)} failed check(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
