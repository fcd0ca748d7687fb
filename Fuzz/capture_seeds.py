#!/usr/bin/env python3
"""Captures the fuzzers' seed corpora from real traffic: `chimera proxy --simulate` on loopback
answers in the three providers' JSON wire formats (through its provider prefixes it forwards to
the built-in simulator) and in the binary protocol, and every body it returns, unary and
streamed, success and failure, is written as a seed. Requests are what SDKs send.

Each seed starts with the steering bytes its target reads (see Fuzz/Targets/*.swift):
JSONCodecFuzz <provider index> <operation> <seed>, ProtobufFuzz <operation> <seed>,
SSEParserFuzz <seed>, ConfigurationFuzz none.

    Fuzz/capture_seeds.py [path to chimera]      (rewrites Fuzz/Corpus)
"""

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "Corpus")
PROVIDERS = ["openai", "anthropic", "gemini", "deepseek", "qwen", "cursor"]  # ProviderID.allCases order
# Proxy path prefixes (AIClient-2-API provider ids) that select each upstream family.
FAMILIES = {
    "openai": ("openai-custom", "gpt-4.1"),
    "anthropic": ("claude-custom", "claude-sonnet-4-5"),
    "gemini": ("gemini-cli-oauth", "gemini-2.5-flash"),
}
JSON_DECODE_REQUEST, JSON_DECODE_RESPONSE, JSON_STREAM, JSON_ERROR, JSON_MODELS, JSON_ROUND_TRIP = range(6)
PB_REQUEST, PB_RESPONSE, PB_FRAMING, PB_STREAM, PB_CONNECT_ERROR, PB_END_STREAM = range(6)


def save(target, payload):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    name = hashlib.sha1(payload).hexdigest()[:16]
    with open(os.path.join(directory, name), "wb") as seed:
        seed.write(payload)


def exchange(url, body=None, headers=None):
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def request_bodies(family, model):
    messages = [{"role": "user", "content": "Hello wörld 🌍, write one line"}]
    if family == "anthropic":
        plain = {"model": model, "max_tokens": 64, "system": "Be brief.", "messages": messages}
    elif family == "gemini":
        plain = {"systemInstruction": {"parts": [{"text": "Be brief."}]},
                 "contents": [{"role": "user", "parts": [{"text": messages[0]["content"]}]}],
                 "generationConfig": {"temperature": 0.2, "maxOutputTokens": 64, "stopSequences": ["END"]}}
    else:
        plain = {"model": model, "messages": [{"role": "system", "content": "Be brief."}] + messages,
                 "temperature": 0.2, "max_tokens": 64, "stop": ["END"]}
    return plain


PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city", "days"]}


def fidelity_bodies(family, model):
    """What agents and SDKs send beyond text: tools and a tool loop, an image, reasoning, a JSON
    Schema — so the fuzzers start from these shapes, in requests, answers and streams."""
    question = "Weather in Paris?"
    if family == "anthropic":
        tools = [{"name": "get_weather", "description": "Weather", "input_schema": SCHEMA, "cache_control": {"type": "ephemeral"}}]
        base = {"model": model, "max_tokens": 2048}
        return [
            {**base, "tools": tools, "tool_choice": {"type": "any"}, "messages": [{"role": "user", "content": question}]},
            {**base, "tools": tools, "messages": [
                {"role": "user", "content": question},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris", "days": 1}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "{\"temp\":21}"}]}]}]},
            {**base, "messages": [{"role": "user", "content": [{"type": "text", "text": "What is this?"},
                                                               {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}]}]},
            {**base, "thinking": {"type": "enabled", "budget_tokens": 1024}, "messages": [{"role": "user", "content": "Think"}]},
            {**base, "output_config": {"format": {"type": "json_schema", "schema": SCHEMA}}, "messages": [{"role": "user", "content": "Forecast"}]},
        ]
    if family == "gemini":
        declaration = {"name": "get_weather", "description": "Weather", "parametersJsonSchema": SCHEMA}
        user = {"role": "user", "parts": [{"text": question}]}
        return [
            {"contents": [user], "tools": [{"functionDeclarations": [declaration]}], "toolConfig": {"functionCallingConfig": {"mode": "ANY"}}},
            {"contents": [user, {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Paris", "days": 1}}}]},
                          {"role": "user", "parts": [{"functionResponse": {"name": "get_weather", "response": {"temp": 21}}}]}],
             "tools": [{"functionDeclarations": [declaration]}]},
            {"contents": [{"role": "user", "parts": [{"text": "What is this?"}, {"inlineData": {"mimeType": "image/png", "data": PNG}}]}]},
            {"contents": [user], "generationConfig": {"thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": True}}},
            {"contents": [user], "generationConfig": {"responseMimeType": "application/json", "responseJsonSchema": SCHEMA}},
        ]
    tool = {"type": "function", "function": {"name": "get_weather", "description": "Weather", "parameters": SCHEMA, "strict": True}}
    user = {"role": "user", "content": question}
    return [
        {"model": model, "messages": [user], "tools": [tool], "tool_choice": "required", "parallel_tool_calls": False},
        {"model": model, "tools": [tool], "messages": [
            user, {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\",\"days\":1}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "{\"temp\":21}"}]},
        {"model": model, "messages": [{"role": "user", "content": [{"type": "text", "text": "What is this?"},
                                                                     {"type": "image_url", "image_url": {"url": "data:image/png;base64," + PNG, "detail": "low"}}]}]},
        {"model": model, "reasoning_effort": "low", "messages": [user], "seed": 7, "logprobs": True, "top_logprobs": 2},
        {"model": model, "messages": [user], "response_format": {"type": "json_schema", "json_schema": {"name": "forecast", "schema": SCHEMA, "strict": True}}},
    ]


def capture_fidelity(base):
    for family, (prefix, model) in FAMILIES.items():
        index = bytes([PROVIDERS.index(family)])
        for body in fidelity_bodies(family, model):
            for stream in (False, True):
                if family == "gemini":
                    action = "streamGenerateContent?alt=sse" if stream else "generateContent"
                    url = f"{base}/{prefix}/v1beta/models/{model}:{action}"
                else:
                    url = f"{base}/{prefix}/v1/messages" if family == "anthropic" else f"{base}/{prefix}/v1/chat/completions"
                    body = {**body, "stream": stream}
                payload = json.dumps(body, ensure_ascii=False).encode()
                save("JSONCodecFuzz", index + bytes([JSON_DECODE_REQUEST, 0]) + payload)
                save("JSONCodecFuzz", index + bytes([JSON_ROUND_TRIP, 0]) + payload)
                status, answer = exchange(url, payload, {"content-type": "application/json", "authorization": "Bearer k"})
                if status != 200:
                    raise SystemExit(f"{url} answered {status}: {answer[:300]!r}")
                if stream:
                    save("JSONCodecFuzz", index + bytes([JSON_STREAM, 7]) + answer)
                    save("SSEParserFuzz", bytes([13]) + answer)
                else:
                    save("JSONCodecFuzz", index + bytes([JSON_DECODE_RESPONSE, 0]) + answer)


def capture_json(base):
    for family, (prefix, model) in FAMILIES.items():
        index = bytes([PROVIDERS.index(family)])
        for fault in ["", "@words=40", "@status=429,retry-after=2", "@status=503", "@status=401", "@malformed",
                      "@inband-error", "@truncate-after=2", "@crlf"]:
            for stream in (False, True):
                body = request_bodies(family, model + fault)
                if family == "gemini":
                    action = "streamGenerateContent?alt=sse" if stream else "generateContent"
                    url = f"{base}/{prefix}/v1beta/models/{model + fault}:{action}"
                elif family == "anthropic":
                    url = f"{base}/{prefix}/v1/messages"
                    body["stream"] = stream
                else:
                    url = f"{base}/{prefix}/v1/chat/completions"
                    body["stream"] = stream
                payload = json.dumps(body, ensure_ascii=False).encode()
                if not fault:
                    save("JSONCodecFuzz", index + bytes([JSON_DECODE_REQUEST, 0]) + payload)
                    save("JSONCodecFuzz", index + bytes([JSON_ROUND_TRIP, 0]) + payload)
                status, answer = exchange(url, payload, {"content-type": "application/json", "authorization": "Bearer k"})
                if status != 200:
                    save("JSONCodecFuzz", index + bytes([JSON_ERROR, status - 400]) + answer)
                elif stream:
                    save("JSONCodecFuzz", index + bytes([JSON_STREAM, 7]) + answer)
                    save("SSEParserFuzz", bytes([13]) + answer)
                else:
                    save("JSONCodecFuzz", index + bytes([JSON_DECODE_RESPONSE, 0]) + answer)
        models_path = "v1beta/models" if family == "gemini" else "v1/models"
        status, answer = exchange(f"{base}/{prefix}/{models_path}")
        if status == 200:
            save("JSONCodecFuzz", index + bytes([JSON_MODELS, 0]) + answer)


def protobuf_request(model, content="Hi"):
    def field(number, data):
        return bytes([number << 3 | 2, len(data)]) + data
    message = field(1, b"user") + field(2, content.encode())
    return field(1, b"openai") + field(2, model.encode()) + field(3, message)


def capture_protobuf(base):
    service = f"{base}/chimera.proxy.v1.ProxyService"
    for fault in ["", "@words=30", "@status=429,retry-after=2", "@status=503", "@inband-error", "@truncate-after=2"]:
        message = protobuf_request("gpt-4.1" + fault, "Hello wörld 🌍")
        save("ProtobufFuzz", bytes([PB_REQUEST, 0]) + message)
        status, answer = exchange(f"{service}/Complete", message,
                                  {"content-type": "application/proto", "connect-protocol-version": "1"})
        if status == 200:
            save("ProtobufFuzz", bytes([PB_RESPONSE, 0]) + answer)
        else:
            save("ProtobufFuzz", bytes([PB_CONNECT_ERROR, status - 400]) + answer)
        envelope = b"\x00" + len(message).to_bytes(4, "big") + message
        status, answer = exchange(f"{service}/Stream", envelope,
                                  {"content-type": "application/connect+proto", "connect-protocol-version": "1"})
        save("ProtobufFuzz", bytes([PB_STREAM, 5]) + answer)
        save("ProtobufFuzz", bytes([PB_FRAMING, 3]) + answer)
        # The end-of-stream envelope's JSON on its own.
        offset = 0
        while offset + 5 <= len(answer):
            length = int.from_bytes(answer[offset + 1:offset + 5], "big")
            if answer[offset] & 0x02:
                save("ProtobufFuzz", bytes([PB_END_STREAM, 0]) + answer[offset + 5:offset + 5 + length])
            offset += 5 + length


def capture_configuration():
    # ConfigurationFuzz lines are <index character><value>; indices follow its variable list.
    names = ["API_CONNECTION_MODE", "PROXY_SERVER_URL", "PROXY_PROTOCOL", "PROXY_API_KEY", "PROXY_FALLBACK_TO_DIRECT",
             "PROXY_CONNECT_TIMEOUT_SECONDS", "PROXY_TIMEOUT_SECONDS", "PROXY_STREAM_IDLE_TIMEOUT_SECONDS",
             "PROXY_MAX_RETRIES", "PROXY_POOL_SIZE", "PROXY_HEALTH_CHECK_INTERVAL_SECONDS",
             "CHIMERA_CONNECT_TIMEOUT_SECONDS", "CHIMERA_REQUEST_TIMEOUT_SECONDS", "CHIMERA_STREAM_IDLE_TIMEOUT_SECONDS",
             "CHIMERA_MAX_RETRIES", "CHIMERA_LOG_LEVEL", "CHIMERA_API_KEY"]
    for provider in PROVIDERS:
        names += [f"{provider.upper()}_BASE_URL", f"{provider.upper()}_PROXY_ROUTE"]
    examples = [
        {"API_CONNECTION_MODE": "proxy", "PROXY_SERVER_URL": "http://localhost:8080", "PROXY_PROTOCOL": "auto",
         "PROXY_MAX_RETRIES": "2", "PROXY_TIMEOUT_SECONDS": "300", "PROXY_FALLBACK_TO_DIRECT": "true",
         "CHIMERA_LOG_LEVEL": "debug"},
        {"PROXY_SERVER_URL": "http://user:pass@127.0.0.1:3000/", "PROXY_POOL_SIZE": "16",
         "PROXY_HEALTH_CHECK_INTERVAL_SECONDS": "0.5", "OPENAI_BASE_URL": "https://api.openai.com/v1",
         "OPENAI_PROXY_ROUTE": "openai-custom", "GEMINI_PROXY_ROUTE": "gemini-cli-oauth"},
        {"API_CONNECTION_MODE": "direct", "CHIMERA_MAX_RETRIES": "11", "PROXY_PROTOCOL": "grpc",
         "CHIMERA_CONNECT_TIMEOUT_SECONDS": "-1", "ANTHROPIC_BASE_URL": "ftp://x", "QWEN_PROXY_ROUTE": "a/b"},
    ]
    for example in examples:
        text = "\n".join(chr(names.index(name)) + value for name, value in example.items())
        save("ConfigurationFuzz", text.encode())


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "chimera")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proxy = subprocess.Popen([binary, "proxy", "--simulate", "--port", str(port)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        capture_json(base)
        capture_fidelity(base)
        capture_protobuf(base)
        capture_configuration()
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)
    for target in sorted(os.listdir(CORPUS)):
        print(f"{target}: {len(os.listdir(os.path.join(CORPUS, target)))} seeds")


if __name__ == "__main__":
    main()
