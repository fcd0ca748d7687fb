"""Fixtures shared by the interoperability tests: the built `chimera` binary and servers it starts."""
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def chimera_binary() -> str:
    path = os.environ.get("CHIMERA_BIN", str(ROOT / ".build" / "debug" / "chimera"))
    if not Path(path).exists():
        raise RuntimeError(f"{path} does not exist: run `swift build` first or set CHIMERA_BIN")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy within {seconds} s")


def start(arguments: list[str], health_path: str, env: dict | None = None):
    port = free_port()
    process = subprocess.Popen(
        [chimera_binary(), *arguments, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "CHIMERA_LOG_LEVEL": "warning", **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_healthy(base + health_path, process)
    return process, base


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def proxy_url():
    """A `chimera proxy --simulate` with the key `test-proxy-key`."""
    process, base = start(["proxy", "--simulate", "--api-key", "test-proxy-key"], "/health")
    yield base
    stop(process)


@pytest.fixture(scope="session")
def serve_url(proxy_url):
    """`chimera serve` in proxy mode, in front of the simulated `chimera proxy`."""
    process, base = start(["serve"], "/health", env={
        "API_CONNECTION_MODE": "proxy", "PROXY_SERVER_URL": proxy_url, "PROXY_API_KEY": "test-proxy-key",
        "CHIMERA_API_KEY": "test-serve-key",
    })
    yield base
    stop(process)
