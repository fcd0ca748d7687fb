"""Python speaks Chimera's binary protocol (Connect + protobuf) to `chimera proxy`.

The Python classes are generated from Protos/ at test time with grpc_tools.protoc, and the
Connect envelopes are framed by hand, so the test checks the protocol as documented in
docs/binary-protocol.md rather than a library's reading of it.

The full-fidelity messages (content parts, tools, structured output, streamed tool calls) are
checked without a server, against the bytes Swift writes for them: the simulator behind
`chimera proxy --simulate` does not answer tool calls yet, so a request with tools would come
back as text. Tests/ChimeraWireTests/ProtobufGoldenBytesTests.swift pins those bytes; this file
reads them from there, parses them, and writes the same bytes from Python's own messages.
"""
import base64
import importlib
import importlib.resources
import json
import re
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


# Full fidelity, against the bytes Swift writes (no server).

GOLDEN_SOURCE = ROOT / "Tests" / "ChimeraWireTests" / "ProtobufGoldenBytesTests.swift"
PNG = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D])


def golden(name: str) -> bytes:
    """The base64 constant `name` of the Swift golden-bytes test, decoded."""
    match = re.search(rf'static let {name} = "([A-Za-z0-9+/=]+)"', GOLDEN_SOURCE.read_text())
    assert match, f"{GOLDEN_SOURCE} has no base64 constant {name}"
    return base64.b64decode(match.group(1))


def full_fidelity_request(pb2):
    """The request of ProtobufGoldenBytesTests.request, built from Python's generated classes."""
    image = pb2.Part(image=pb2.Media(data=PNG, media_type="image/png"))
    return pb2.ChatRequest(
        provider="openai", model="gpt-4.1",
        messages=[
            pb2.Message(role="system", content="Answer as JSON."),
            pb2.Message(role="user", parts=[
                pb2.Part(text=pb2.TextPart(text="What is in this picture, and the weather there?")), image,
            ]),
        ],
        temperature=0.2,
        tools=[pb2.Tool(
            name="get_weather", description="Current weather",
            parameters=json.dumps({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}, separators=(",", ":")),
            strict=True,
        )],
        tool_choice=pb2.ToolChoice(mode="auto"),
        response_format=pb2.ResponseFormat(type="json_schema", json_schema=pb2.JSONSchemaFormat(name="answer", schema='{"type":"object"}', strict=True)),
        reasoning=pb2.ReasoningOptions(effort="low"),
        metadata={"team": "ios"},
        extensions={"openai": json.dumps({"service_tier": "auto"}, separators=(",", ":"))},
    )


def test_python_writes_the_bytes_swift_writes_for_a_request_with_tools_and_an_image(proxy_pb2):
    assert full_fidelity_request(proxy_pb2).SerializeToString(deterministic=True) == golden("goldenRequest")


def test_python_reads_a_request_with_tools_an_image_and_a_schema_from_swift(proxy_pb2):
    request = proxy_pb2.ChatRequest.FromString(golden("goldenRequest"))
    assert request == full_fidelity_request(proxy_pb2)
    user = request.messages[1]
    assert [part.WhichOneof("kind") for part in user.parts] == ["text", "image"]
    image = user.parts[1].image
    assert image.WhichOneof("source") == "data" and image.data == PNG and image.media_type == "image/png"
    tool = request.tools[0]
    assert json.loads(tool.parameters)["required"] == ["city"]
    # JSON text keeps the member order written, which json.loads preserves too.
    assert list(json.loads(tool.parameters)) == ["type", "properties", "required"]
    assert request.HasField("tool_choice") and request.tool_choice.mode == "auto"
    assert request.response_format.json_schema.strict and json.loads(request.response_format.json_schema.schema) == {"type": "object"}
    assert json.loads(request.extensions["openai"]) == {"service_tier": "auto"}
    # Options not set stay absent, so the proxy uses the provider's defaults.
    assert not request.HasField("top_k") and not request.HasField("seed") and not request.HasField("logprobs")


def test_python_reads_a_streamed_tool_call_from_swift_and_writes_the_same_frames(proxy_pb2):
    body = golden("goldenStream")
    frames = envelopes(body)
    assert frames[-1] == (0x02, b"{}")
    decoded = [proxy_pb2.StreamFrame.FromString(payload) for flags, payload in frames[:-1]]
    assert [frame.WhichOneof("event") for frame in decoded] == [
        "start", "tool_call_start", "tool_call_arguments", "tool_call_arguments", "tool_call_end", "finish_reason", "usage",
    ]
    calls = {}
    for frame in decoded:
        kind = frame.WhichOneof("event")
        if kind == "tool_call_start":
            calls[frame.tool_call_start.index] = {"id": frame.tool_call_start.id, "name": frame.tool_call_start.name, "arguments": ""}
        elif kind == "tool_call_arguments":
            calls[frame.tool_call_arguments.index]["arguments"] += frame.tool_call_arguments.fragment
    assert calls == {0: {"id": "call_1", "name": "get_weather", "arguments": '{"city":"Paris"}'}}
    assert json.loads(calls[0]["arguments"]) == {"city": "Paris"}
    assert decoded[5].finish_reason == "tool_calls" and not decoded[5].HasField("stop_sequence")
    usage = decoded[6].usage
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens, usage.cached_input_tokens) == (20, 9, 29, 16)
    assert not usage.HasField("reasoning_tokens")

    pb2 = proxy_pb2
    written = [
        pb2.StreamFrame(start=pb2.StreamStart(id="chatcmpl-1", model="gpt-4.1")),
        pb2.StreamFrame(tool_call_start=pb2.ToolCallStart(index=0, id="call_1", name="get_weather")),
        pb2.StreamFrame(tool_call_arguments=pb2.ToolCallArguments(index=0, fragment='{"city":')),
        pb2.StreamFrame(tool_call_arguments=pb2.ToolCallArguments(index=0, fragment='"Paris"}')),
        pb2.StreamFrame(tool_call_end=pb2.ToolCallEnd(index=0)),
        pb2.StreamFrame(finish_reason="tool_calls"),
        pb2.StreamFrame(usage=pb2.Usage(input_tokens=20, output_tokens=9, total_tokens=29, cached_input_tokens=16)),
    ]
    framed = b"".join(struct.pack(">BI", 0, len(payload)) + payload for payload in (frame.SerializeToString() for frame in written))
    assert framed + struct.pack(">BI", 2, 2) + b"{}" == body


def test_a_frame_of_a_newer_event_has_no_field_an_older_reader_knows(proxy_pb2):
    # Field 999 is no event of this schema: a reader skips the frame, as the docs require.
    frame = proxy_pb2.StreamFrame.FromString(bytes([0xBA, 0x3E, 0x01, 0x78]))
    assert frame.WhichOneof("event") is None
