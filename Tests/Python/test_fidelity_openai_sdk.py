"""Full fidelity through the gateway with the official openai SDK: function tools and `tool_choice`
(unary and streamed), a whole tool loop, parallel calls, structured output parsed into a Pydantic
model, and image parts, to OpenAI and across families to Anthropic and Gemini — through
`chimera proxy` (provider by route prefix) and through `chimera serve` (provider in the model).

Every expectation is what the simulator answers when the request reached it intact
(docs/simulator.md): arguments generated from the tool's schema, the tool result repeated in the
answer, the image's decoded size, an instance of the response schema."""
import json
import re
import uuid
from dataclasses import dataclass

import openai
import pytest

from fidelity_common import (
    FORECAST, IMAGE_ACK, PNG_DATA_URL, PROXY_KEY, REASONING_TEXT, SERVE_KEY, TIME_ARGS, TIME_RESULT, TIME_RESULT_LINE, TIME_SCHEMA,
    TOOL_RESULT, WEATHER_ARGS, WEATHER_RESULT_LINE, WEATHER_SCHEMA, Forecast, reply_prefix,
)

# target id -> (server fixture, route prefix, model, upstream family)
TARGETS = {
    "proxy-openai": ("proxy_url", "", "gpt-4.1", "openai"),
    "proxy-anthropic": ("proxy_url", "/claude-custom", "claude-sonnet-4-5", "anthropic"),
    "proxy-gemini": ("proxy_url", "/gemini-cli-oauth", "gemini-2.5-flash", "gemini"),
    "serve-openai": ("serve_url", "", "openai/gpt-4.1", "openai"),
    "serve-anthropic": ("serve_url", "", "anthropic/claude-sonnet-4-5", "anthropic"),
    "serve-gemini": ("serve_url", "", "gemini/gemini-2.5-flash", "gemini"),
}

# The tool call ids each upstream issues, as they must reach the caller.
CALL_ID = {
    "openai": re.compile(r"call_sim\d+_(\d+)"),
    "anthropic": re.compile(r"toolu_sim\d+_(\d+)"),
    # Gemini gives no id; Chimera makes a stable one: call_<index>_<hash of name and arguments>.
    "gemini": re.compile(r"call_(\d+)_[0-9a-f]{8}"),
}

TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description": "The weather forecast for a city", "parameters": WEATHER_SCHEMA}},
    {"type": "function", "function": {"name": "get_time", "description": "The local time", "parameters": TIME_SCHEMA}},
]
FORCE_TIME = {"type": "function", "function": {"name": "get_time"}}


@dataclass
class Target:
    client: openai.OpenAI
    model: str
    family: str

    def with_switches(self, switches: str) -> str:
        return f"{self.model}@{switches}"


@pytest.fixture(params=list(TARGETS))
def target(request) -> Target:
    fixture, prefix, model, family = TARGETS[request.param]
    base = request.getfixturevalue(fixture)
    key = PROXY_KEY if fixture == "proxy_url" else SERVE_KEY
    return Target(openai.OpenAI(base_url=f"{base}{prefix}/v1", api_key=key, max_retries=0), model, family)


def assert_call_id(family: str, call_id: str, index: int) -> None:
    match = CALL_ID[family].fullmatch(call_id or "")
    assert match, f"tool call id {call_id!r} is not the {family} upstream's id"
    assert int(match.group(1)) == index


def test_forced_function_tool_unary(target):
    completion = target.client.chat.completions.create(
        model=target.model, max_tokens=200, tools=TOOLS, tool_choice=FORCE_TIME,
        messages=[{"role": "user", "content": "What time is it in Paris?"}],
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert not choice.message.content
    calls = choice.message.tool_calls
    assert calls is not None and len(calls) == 1
    # The forced tool is the second one offered: the simulator calls the first unless told otherwise.
    assert calls[0].type == "function"
    assert calls[0].function.name == "get_time"
    assert json.loads(calls[0].function.arguments) == TIME_ARGS
    assert_call_id(target.family, calls[0].id, 0)


def test_auto_function_tool_streamed(target):
    stream = target.client.chat.completions.create(
        model=target.model, max_tokens=200, tools=TOOLS, tool_choice="auto", stream=True,
        stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "Weather in Paris for a day?"}],
    )
    calls: dict[int, dict] = {}
    finish, text, usage = None, "", None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        if not chunk.choices:
            continue
        delta = chunk.choices[0].delta
        text += delta.content or ""
        for piece in delta.tool_calls or []:
            call = calls.setdefault(piece.index, {"id": None, "name": "", "arguments": "", "ids_seen": 0})
            if piece.id:
                call["id"] = piece.id
                call["ids_seen"] += 1
            if piece.function and piece.function.name:
                call["name"] += piece.function.name
            if piece.function and piece.function.arguments:
                call["arguments"] += piece.function.arguments
        finish = chunk.choices[0].finish_reason or finish
    assert finish == "tool_calls"
    assert text == ""
    assert list(calls) == [0]
    call = calls[0]
    assert call["ids_seen"] == 1, "the id must come once, in the call's first delta"
    assert_call_id(target.family, call["id"], 0)
    assert call["name"] == "get_weather"
    assert json.loads(call["arguments"]) == WEATHER_ARGS
    assert usage is not None and usage.completion_tokens > 0


def test_forced_function_tool_streamed(target):
    stream = target.client.chat.completions.create(
        model=target.model, max_tokens=200, tools=TOOLS, tool_choice=FORCE_TIME, stream=True,
        messages=[{"role": "user", "content": "What time is it?"}],
    )
    name, arguments, call_id, finish = "", "", None, None
    for chunk in stream:
        if not chunk.choices:
            continue
        for piece in chunk.choices[0].delta.tool_calls or []:
            assert piece.index == 0
            call_id = piece.id or call_id
            name += (piece.function.name or "") if piece.function else ""
            arguments += (piece.function.arguments or "") if piece.function else ""
        finish = chunk.choices[0].finish_reason or finish
    assert finish == "tool_calls"
    assert name == "get_time"
    assert json.loads(arguments) == TIME_ARGS
    assert_call_id(target.family, call_id, 0)


def test_full_tool_loop(target):
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    first = target.client.chat.completions.create(model=target.model, max_tokens=200, tools=TOOLS, messages=messages)
    assert first.choices[0].finish_reason == "tool_calls"
    call = first.choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == WEATHER_ARGS
    messages += [
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": call.id, "type": "function", "function": {"name": call.function.name, "arguments": call.function.arguments}},
        ]},
        {"role": "tool", "tool_call_id": call.id, "content": TOOL_RESULT},
    ]
    final = target.client.chat.completions.create(model=target.model, max_tokens=200, tools=TOOLS, messages=messages)
    choice = final.choices[0]
    assert choice.finish_reason == "stop"
    assert not choice.message.tool_calls
    # The simulator names the tool from the call the result answers, so the id and the name made it.
    assert choice.message.content == WEATHER_RESULT_LINE


def test_full_tool_loop_streamed_answer(target):
    messages = [{"role": "user", "content": "What time is it?"}]
    first = target.client.chat.completions.create(model=target.model, max_tokens=200, tools=TOOLS, tool_choice=FORCE_TIME, messages=messages)
    call = first.choices[0].message.tool_calls[0]
    messages += [
        first.choices[0].message.model_dump(exclude_none=True, include={"role", "content", "tool_calls"}),
        {"role": "tool", "tool_call_id": call.id, "content": TIME_RESULT},
    ]
    stream = target.client.chat.completions.create(model=target.model, max_tokens=200, tools=TOOLS, messages=messages, stream=True)
    text, finish = "", None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            assert not chunk.choices[0].delta.tool_calls
            finish = chunk.choices[0].finish_reason or finish
    assert text == TIME_RESULT_LINE
    assert finish == "stop"


def test_parallel_tool_calls_and_their_results(target):
    model = target.with_switches("parallel-tools")
    messages = [{"role": "user", "content": "Weather and time in Paris?"}]
    first = target.client.chat.completions.create(model=model, max_tokens=200, tools=TOOLS, messages=messages)
    calls = first.choices[0].message.tool_calls
    assert [call.function.name for call in calls] == ["get_weather", "get_time"]
    assert [json.loads(call.function.arguments) for call in calls] == [WEATHER_ARGS, TIME_ARGS]
    for index, call in enumerate(calls):
        assert_call_id(target.family, call.id, index)
    assert len({call.id for call in calls}) == 2
    messages += [
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": call.id, "type": "function", "function": {"name": call.function.name, "arguments": call.function.arguments}}
            for call in calls
        ]},
        # Answered in the opposite order: the results are matched by id, not by position.
        {"role": "tool", "tool_call_id": calls[1].id, "content": TIME_RESULT},
        {"role": "tool", "tool_call_id": calls[0].id, "content": TOOL_RESULT},
    ]
    final = target.client.chat.completions.create(model=model, max_tokens=200, tools=TOOLS, messages=messages)
    assert final.choices[0].message.content == f"{TIME_RESULT_LINE}\n{WEATHER_RESULT_LINE}"


# Gemini has no way to forbid parallel calls, so only the families that have one.
@pytest.mark.parametrize("target", [id for id, spec in TARGETS.items() if spec[3] != "gemini"], indirect=True)
def test_parallel_tool_calls_false_gives_one_call(target):
    completion = target.client.chat.completions.create(
        model=target.with_switches("parallel-tools"), max_tokens=200, tools=TOOLS, parallel_tool_calls=False,
        messages=[{"role": "user", "content": "Weather and time?"}],
    )
    calls = completion.choices[0].message.tool_calls
    assert [call.function.name for call in calls] == ["get_weather"]


def test_tool_choice_none_answers_text(target):
    completion = target.client.chat.completions.create(
        model=target.model, max_tokens=200, tools=TOOLS, tool_choice="none",
        messages=[{"role": "user", "content": "Just say hello"}],
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert not choice.message.tool_calls
    assert choice.message.content == reply_prefix(target.model) + "Just say hello"


def test_structured_output_parse(target):
    completion = target.client.chat.completions.parse(
        model=target.model, max_tokens=200, response_format=Forecast,
        messages=[{"role": "system", "content": "Answer in JSON."}, {"role": "user", "content": "Forecast for Paris"}],
    )
    message = completion.choices[0].message
    assert completion.choices[0].finish_reason == "stop"
    assert isinstance(message.parsed, Forecast)
    assert message.parsed.model_dump() == FORECAST
    assert json.loads(message.content) == FORECAST


def test_structured_output_streamed(target):
    schema = Forecast.model_json_schema() | {"additionalProperties": False}
    stream = target.client.chat.completions.create(
        model=target.model, max_tokens=200, stream=True,
        response_format={"type": "json_schema", "json_schema": {"name": "forecast", "schema": schema, "strict": True}},
        messages=[{"role": "user", "content": "Forecast for Paris"}],
    )
    pieces = [chunk.choices[0].delta.content for chunk in stream if chunk.choices and chunk.choices[0].delta.content]
    assert len(pieces) > 1
    assert json.loads("".join(pieces)) == FORECAST
    Forecast.model_validate_json("".join(pieces))


def test_image_part(target):
    completion = target.client.chat.completions.create(
        model=target.model, max_tokens=200,
        messages=[{"role": "user", "content": [
            {"type": "text", "text": "What is in this picture?"},
            {"type": "image_url", "image_url": {"url": PNG_DATA_URL, "detail": "low"}},
        ]}],
    )
    content = completion.choices[0].message.content
    assert content.startswith(reply_prefix(target.model) + "What is in this picture?")
    assert IMAGE_ACK in content


def test_image_part_streamed(target):
    stream = target.client.chat.completions.create(
        model=target.model, max_tokens=200, stream=True,
        messages=[{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": PNG_DATA_URL}},
            {"type": "text", "text": "Describe it"},
        ]}],
    )
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text.startswith(reply_prefix(target.model))
    assert IMAGE_ACK in text and "Describe it" in text
    assert text.index(IMAGE_ACK) < text.index("Describe it"), "the parts' order must survive"


@pytest.mark.parametrize("fixture, base_model", [("proxy_url", "gemini-3-pro-preview"), ("serve_url", "gemini/gemini-3-pro-preview")])
def test_tool_loop_to_a_thinking_gemini_model_keeps_the_thought_signature(request, fixture, base_model):
    """Gemini 3 thinks by default and refuses a function call sent back without the
    `thoughtSignature` it issued; Chat Completions has no place for it but the call's id."""
    prefix = "/gemini-cli-oauth" if fixture == "proxy_url" else ""
    key = PROXY_KEY if fixture == "proxy_url" else SERVE_KEY
    client = openai.OpenAI(base_url=f"{request.getfixturevalue(fixture)}{prefix}/v1", api_key=key, max_retries=0)
    messages = [{"role": "user", "content": "Weather?"}]
    first = client.chat.completions.create(model=base_model, max_tokens=300, tools=TOOLS, messages=messages)
    [call] = first.choices[0].message.tool_calls
    assert (call.function.name, json.loads(call.function.arguments)) == ("get_weather", WEATHER_ARGS)
    assert first.usage.completion_tokens_details.reasoning_tokens == 5
    messages += [
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": call.id, "type": "function", "function": {"name": call.function.name, "arguments": call.function.arguments}},
        ]},
        {"role": "tool", "tool_call_id": call.id, "content": TOOL_RESULT},
    ]
    final = client.chat.completions.create(model=base_model, max_tokens=300, tools=TOOLS, messages=messages)
    assert final.choices[0].message.content == WEATHER_RESULT_LINE


CLAUDE_TARGETS = [id for id, spec in TARGETS.items() if spec[3] == "anthropic"]


def thinking_turn(target: Target, messages: list, stream: bool):
    """One answer with reasoning, as the dict a caller sends back: Chimera writes Anthropic's
    thinking as `reasoning_content` and, with its signature, `thinking_blocks`."""
    arguments = dict(model=target.model, max_tokens=4000, reasoning_effort="low", tools=TOOLS, messages=messages)
    if not stream:
        message = target.client.chat.completions.create(**arguments).choices[0].message
        extra = message.model_extra or {}
        return {"reasoning_content": extra.get("reasoning_content"), "thinking_blocks": extra.get("thinking_blocks"),
                "tool_calls": [call.model_dump(include={"id", "type", "function"}) for call in message.tool_calls or []]}
    reasoning, blocks, calls = "", [], {}
    for chunk in target.client.chat.completions.create(**arguments, stream=True):
        if not chunk.choices:
            continue
        delta = chunk.choices[0].delta
        extra = delta.model_extra or {}
        reasoning += extra.get("reasoning_content") or ""
        blocks += extra.get("thinking_blocks") or []
        for piece in delta.tool_calls or []:
            call = calls.setdefault(piece.index, {"id": "", "type": "function", "function": {"name": "", "arguments": ""}})
            call["id"] += piece.id or ""
            call["function"]["name"] += piece.function.name or ""
            call["function"]["arguments"] += piece.function.arguments or ""
    return {"reasoning_content": reasoning, "thinking_blocks": blocks, "tool_calls": list(calls.values())}


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "streamed"])
@pytest.mark.parametrize("target", CLAUDE_TARGETS, indirect=True)
def test_reasoning_with_a_tool_loop_to_claude_keeps_the_signature(target, stream):
    messages = [{"role": "user", "content": "Weather?"}]
    turn = thinking_turn(target, messages, stream)
    assert turn["reasoning_content"] == REASONING_TEXT
    [block] = turn["thinking_blocks"]
    assert block["type"] == "thinking" and block["thinking"] == REASONING_TEXT and block["signature"]
    [call] = turn["tool_calls"]
    assert call["function"]["name"] == "get_weather" and json.loads(call["function"]["arguments"]) == WEATHER_ARGS
    result = {"role": "tool", "tool_call_id": call["id"], "content": TOOL_RESULT}
    final = target.client.chat.completions.create(
        model=target.model, max_tokens=4000, reasoning_effort="low", tools=TOOLS,
        messages=[*messages, {"role": "assistant", "content": None, **turn}, result],
    )
    assert final.choices[0].message.content == WEATHER_RESULT_LINE
    # The block reached Anthropic: a tampered signature is refused there.
    tampered = {**turn, "thinking_blocks": [{**block, "thinking": block["thinking"] + " (edited)"}]}
    with pytest.raises(openai.BadRequestError) as refused:
        target.client.chat.completions.create(
            model=target.model, max_tokens=4000, reasoning_effort="low", tools=TOOLS,
            messages=[*messages, {"role": "assistant", "content": None, **tampered}, result],
        )
    assert "Invalid `signature` in `thinking` block" in str(refused.value)


@pytest.mark.parametrize("target", CLAUDE_TARGETS, indirect=True)
def test_prompt_cache_breakpoint_reaches_claude(target):
    """The openai SDK's cache marker on a text part, `prompt_cache_breakpoint: {mode: explicit}`,
    becomes Anthropic's `cache_control`: the second request reads what the first wrote."""
    system_text = f"You are terse, session {uuid.uuid4().hex}, and precise."
    messages = [
        {"role": "system", "content": [{"type": "text", "text": system_text, "prompt_cache_breakpoint": {"mode": "explicit"}}]},
        {"role": "user", "content": "Hello there"},
    ]
    words = len(system_text.split())
    first = target.client.chat.completions.create(model=target.model, max_tokens=200, messages=messages)
    second = target.client.chat.completions.create(model=target.model, max_tokens=200, messages=messages)
    assert first.choices[0].message.content == reply_prefix(target.model) + "Hello there"
    assert (first.usage.model_dump()["prompt_tokens_details"] or {}).get("cache_write_tokens") == words
    assert first.usage.prompt_tokens_details.cached_tokens == 0
    assert second.usage.prompt_tokens_details.cached_tokens == words
    assert second.usage.prompt_tokens == words + 2
