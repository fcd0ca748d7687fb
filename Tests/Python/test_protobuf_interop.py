"""Python speaks Chimera's binary protocol (Connect + protobuf) to `chimera proxy`.

The Python classes are generated from Protos/ at test time with grpc_tools.protoc, and the
Connect envelopes are framed by hand, so the test checks the protocol as documented in
docs/binary-protocol.md rather than a library's reading of it.
"""
import base64
import importlib
import importlib.resources
import json
import struct
import sys
import urllib.error
import urllib.request

import pytest
from grpc_tools import protoc

from conftest import ROOT

KEY = "test-proxy-key"


@pytest.fixture(scope="session")
def proxy_pb2(tmp_path_factory):
    """The module protoc generates for proxy.proto, in a temporary directory."""
    out = tmp_path_factory.mktemp("generated")
    protos = ROOT / "Protos"
    include = importlib.resources.files("grpc_tools") / "_proto"
    status = protoc.main([
        "protoc", f"-I{protos}", f"-I{include}", f"--python_out={out}",
        str(protos / "chimera" / "proxy" / "v1" / "proxy.proto"),
    ])
    assert status == 0, "protoc failed to compile Protos/chimera/proxy/v1/proxy.proto"
    sys.path.insert(0, str(out))
    try:
        return importlib.import_module("chimera.proxy.v1.proxy_pb2")
    finally:
        sys.path.remove(str(out))


def call(base: str, procedure: str, content_type: str, body: bytes):
    request = urllib.request.Request(
        f"{base}/chimera.proxy.v1.ProxyService/{procedure}", data=body, method="POST",
        headers={"Content-Type": content_type, "Connect-Protocol-Version": "1", "Authorization": f"Bearer {KEY}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def envelopes(body: bytes):
    """Splits a Connect streaming body into (flags, payload) pairs, checking every length."""
    frames, offset = [], 0
    while offset < len(body):
        assert len(body) - offset >= 5, "the body ends inside an envelope header"
        flags, length = struct.unpack(">BI", body[offset:offset + 5])
        payload = body[offset + 5:offset + 5 + length]
        assert len(payload) == length, "the body ends inside an envelope"
        frames.append((flags, payload))
        offset += 5 + length
    return frames


def chat_request(pb2, provider: str, model: str):
    return pb2.ChatRequest(
        provider=provider, model=model,
        messages=[pb2.Message(role="system", content="Be brief."), pb2.Message(role="user", content="Hello from Python")],
    )


def test_unary_complete_answers_a_chat_response(proxy_url, proxy_pb2):
    request = chat_request(proxy_pb2, "anthropic", "claude-sonnet-4-5")
    status, content_type, body = call(proxy_url, "Complete", "application/proto", request.SerializeToString())
    assert status == 200
    assert content_type == "application/proto"
    response = proxy_pb2.ChatResponse.FromString(body)
    assert response.provider == "anthropic"
    assert "Simulated reply from claude-sonnet-4-5: Hello from Python" in response.text
    assert response.finish_reason == "stop"
    assert response.usage.input_tokens > 0 and response.usage.output_tokens > 0


def test_stream_answers_frames_then_one_end_of_stream_envelope(proxy_url, proxy_pb2):
    request = chat_request(proxy_pb2, "gemini", "gemini-2.5-flash")
    payload = request.SerializeToString()
    status, content_type, body = call(proxy_url, "Stream", "application/connect+proto", struct.pack(">BI", 0, len(payload)) + payload)
    assert status == 200
    assert content_type == "application/connect+proto"
    frames = envelopes(body)
    assert [flags for flags, _ in frames[:-1]] == [0] * (len(frames) - 1)
    assert frames[-1][0] == 0x02
    assert json.loads(frames[-1][1]) == {}
    decoded = [proxy_pb2.StreamFrame.FromString(payload) for _, payload in frames[:-1]]
    text = "".join(frame.delta for frame in decoded if frame.WhichOneof("event") == "delta")
    assert "Simulated reply from gemini-2.5-flash: Hello from Python" in text
    assert [frame.finish_reason for frame in decoded if frame.WhichOneof("event") == "finish_reason"] == ["stop"]
    assert any(frame.WhichOneof("event") == "usage" and frame.usage.output_tokens > 0 for frame in decoded)


def test_errors_are_connect_errors_with_a_chimera_error_detail(proxy_url, proxy_pb2):
    request = chat_request(proxy_pb2, "mistral", "x")
    status, content_type, body = call(proxy_url, "Complete", "application/proto", request.SerializeToString())
    assert status == 400
    assert content_type == "application/json"
    error = json.loads(body)
    assert error["code"] == "invalid_argument"
    detail = error["details"][0]
    assert detail["type"] == "chimera.proxy.v1.Error"
    value = detail["value"] + "=" * (-len(detail["value"]) % 4)
    chimera_error = proxy_pb2.Error.FromString(base64.b64decode(value))
    assert chimera_error.kind == "invalid_request"
    assert chimera_error.status == 400


def test_wrong_content_type_is_415(proxy_url, proxy_pb2):
    status, _, _ = call(proxy_url, "Complete", "application/json", b"{}")
    assert status == 415
