"""Full fidelity through `chimera proxy` with the official anthropic SDK: a tool loop, streamed
tool use, extended thinking whose signature survives being sent back, prompt-cache markers,
image blocks and structured output — to Anthropic, and across families to OpenAI and Gemini.

Every expectation is what the simulator answers when the request reached it intact
(docs/simulator.md); it refuses a thinking block whose signature it did not issue for exactly that
text, a tool result whose id answers no call of the turn before, and a Gemini function call that
lost its thought signature."""
import json
import re
import uuid

import anthropic
import pytest

from fidelity_common import (
    FORECAST, IMAGE_ACK, PNG_BASE64, PROXY_KEY, REASONING_TEXT, TIME_ARGS, TIME_RESULT, TIME_RESULT_LINE, TIME_SCHEMA,
    TOOL_RESULT, WEATHER_ARGS, WEATHER_RESULT_LINE, WEATHER_SCHEMA, Forecast, reply_prefix,
)

# target id -> (route prefix, model, upstream family)
TARGETS = {
    "anthropic": ("", "claude-sonnet-4-5", "anthropic"),
    "claude-custom": ("/claude-custom", "claude-sonnet-4-5", "anthropic"),
    "openai": ("/openai-custom", "gpt-4.1", "openai"),
    "gemini": ("/gemini-cli-oauth", "gemini-2.5-flash", "gemini"),
}
ANTHROPIC_TARGETS = [id for id, spec in TARGETS.items() if spec[2] == "anthropic"]

CALL_ID = {
    "anthropic": re.compile(r"toolu_sim\d+_(\d+)"),
    "openai": re.compile(r"call_sim\d+_(\d+)"),
    "gemini": re.compile(r"call_(\d+)_[0-9a-f]{8}"),
}

TOOLS = [
    {"name": "get_weather", "description": "The weather forecast for a city", "input_schema": WEATHER_SCHEMA},
    {"name": "get_time", "description": "The local time", "input_schema": TIME_SCHEMA},
]
THINKING = {"type": "enabled", "budget_tokens": 1024}


class Target:
    def __init__(self, client, model, family):
        self.client, self.model, self.family = client, model, family


@pytest.fixture(params=list(TARGETS))
def target(request, proxy_url) -> Target:
    prefix, model, family = TARGETS[request.param]
    return Target(anthropic.Anthropic(base_url=f"{proxy_url}{prefix}", api_key=PROXY_KEY, max_retries=0), model, family)


def assert_call_id(family: str, call_id: str, index: int) -> None:
    match = CALL_ID[family].match(call_id or "")
    assert match, f"tool_use id {call_id!r} is not the {family} upstream's id"
    assert int(match.group(1)) == index


def tool_use_blocks(message):
    return [block for block in message.content if block.type == "tool_use"]


def test_tool_loop(target):
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    first = target.client.messages.create(model=target.model, max_tokens=300, tools=TOOLS, tool_choice={"type": "auto"}, messages=messages)
    assert first.stop_reason == "tool_use"
    [call] = tool_use_blocks(first)
    assert call.name == "get_weather"
    assert call.input == WEATHER_ARGS
    assert_call_id(target.family, call.id, 0)
    messages += [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": TOOL_RESULT}]},
    ]
    final = target.client.messages.create(model=target.model, max_tokens=300, tools=TOOLS, messages=messages)
    assert final.stop_reason == "end_turn"
    assert [block.type for block in final.content] == ["text"]
    assert final.content[0].text == WEATHER_RESULT_LINE


def test_forced_tool_and_tool_result_as_text_blocks(target):
    messages = [{"role": "user", "content": "What time is it?"}]
    first = target.client.messages.create(
        model=target.model, max_tokens=300, tools=TOOLS, tool_choice={"type": "tool", "name": "get_time"}, messages=messages,
    )
    assert first.stop_reason == "tool_use"
    [call] = tool_use_blocks(first)
    assert (call.name, call.input) == ("get_time", TIME_ARGS)
    messages += [
        {"role": "assistant", "content": [block.model_dump(exclude_none=True) for block in first.content]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": call.id, "content": [{"type": "text", "text": TIME_RESULT}]},
        ]},
    ]
    final = target.client.messages.create(model=target.model, max_tokens=300, tools=TOOLS, messages=messages)
    assert final.content[0].text == TIME_RESULT_LINE


def test_parallel_tool_use_and_results(target):
    model = f"{target.model}@parallel-tools"
    messages = [{"role": "user", "content": "Weather and time?"}]
    first = target.client.messages.create(model=model, max_tokens=300, tools=TOOLS, messages=messages)
    calls = tool_use_blocks(first)
    assert [(call.name, call.input) for call in calls] == [("get_weather", WEATHER_ARGS), ("get_time", TIME_ARGS)]
    for index, call in enumerate(calls):
        assert_call_id(target.family, call.id, index)
    messages += [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": calls[0].id, "content": TOOL_RESULT},
            {"type": "tool_result", "tool_use_id": calls[1].id, "content": TIME_RESULT},
        ]},
    ]
    final = target.client.messages.create(model=model, max_tokens=300, tools=TOOLS, messages=messages)
    assert final.content[0].text == f"{WEATHER_RESULT_LINE}\n{TIME_RESULT_LINE}"


@pytest.mark.parametrize("target", ANTHROPIC_TARGETS, indirect=True)
def test_tool_result_with_is_error(target):
    messages = [{"role": "user", "content": "Weather?"}]
    first = target.client.messages.create(model=target.model, max_tokens=300, tools=TOOLS, messages=messages)
    [call] = tool_use_blocks(first)
    messages += [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "service down", "is_error": True}]},
    ]
    final = target.client.messages.create(model=target.model, max_tokens=300, tools=TOOLS, messages=messages)
    assert final.content[0].text == "Tool get_weather failed: service down"


def test_streaming_tool_use(target):
    with target.client.messages.stream(
        model=target.model, max_tokens=300, tools=TOOLS, tool_choice={"type": "tool", "name": "get_weather"},
        messages=[{"role": "user", "content": "Weather in Paris?"}],
    ) as stream:
        deltas = [event.delta.partial_json for event in stream
                  if event.type == "content_block_delta" and event.delta.type == "input_json_delta"]
        final = stream.get_final_message()
    assert deltas, "the tool input must arrive as input_json_delta events"
    assert json.loads("".join(deltas)) == WEATHER_ARGS
    assert final.stop_reason == "tool_use"
    [call] = tool_use_blocks(final)
    assert call.name == "get_weather"
    assert call.input == WEATHER_ARGS
    assert_call_id(target.family, call.id, 0)


def test_streamed_tool_loop_answer(target):
    messages = [{"role": "user", "content": "Weather?"}]
    with target.client.messages.stream(model=target.model, max_tokens=300, tools=TOOLS, messages=messages) as stream:
        first = stream.get_final_message()
    [call] = tool_use_blocks(first)
    messages += [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": TOOL_RESULT}]},
    ]
    with target.client.messages.stream(model=target.model, max_tokens=300, tools=TOOLS, messages=messages) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == WEATHER_RESULT_LINE
    assert final.stop_reason == "end_turn"


@pytest.mark.parametrize("target", ANTHROPIC_TARGETS, indirect=True)
def test_extended_thinking_signature_survives_the_next_turn(target):
    messages = [{"role": "user", "content": "Think, then greet me"}]
    first = target.client.messages.create(model=target.model, max_tokens=2048, thinking=THINKING, messages=messages)
    assert [block.type for block in first.content] == ["thinking", "text"]
    thinking = first.content[0]
    assert thinking.thinking == REASONING_TEXT
    assert thinking.signature
    assert first.content[1].text == reply_prefix(target.model) + "Think, then greet me"
    messages += [{"role": "assistant", "content": first.content}, {"role": "user", "content": "And again"}]
    # The simulator refuses a thinking block whose signature it did not issue for that text.
    second = target.client.messages.create(model=target.model, max_tokens=2048, thinking=THINKING, messages=messages)
    assert second.content[0].type == "thinking" and second.content[0].signature
    assert second.content[-1].text == reply_prefix(target.model) + "And again"


@pytest.mark.parametrize("target", ANTHROPIC_TARGETS, indirect=True)
def test_a_tampered_thinking_signature_is_refused(target):
    messages = [{"role": "user", "content": "Think"}]
    first = target.client.messages.create(model=target.model, max_tokens=2048, thinking=THINKING, messages=messages)
    blocks = [block.model_dump(exclude_none=True) for block in first.content]
    blocks[0]["thinking"] += " (edited)"
    with pytest.raises(anthropic.BadRequestError) as refused:
        target.client.messages.create(model=target.model, max_tokens=2048, thinking=THINKING, messages=[
            *messages, {"role": "assistant", "content": blocks}, {"role": "user", "content": "Again"},
        ])
    assert "Invalid `signature` in `thinking` block" in str(refused.value)


@pytest.mark.parametrize("target", ANTHROPIC_TARGETS, indirect=True)
def test_streamed_thinking_signature_survives_the_next_turn(target):
    messages = [{"role": "user", "content": "Think in a stream"}]
    with target.client.messages.stream(model=target.model, max_tokens=2048, thinking=THINKING, messages=messages) as stream:
        events = list(stream)
        first = stream.get_final_message()
    delta_types = [event.delta.type for event in events if event.type == "content_block_delta"]
    assert "thinking_delta" in delta_types and delta_types.count("signature_delta") == 1
    thinking = first.content[0]
    assert thinking.type == "thinking" and thinking.thinking == REASONING_TEXT and thinking.signature
    messages += [{"role": "assistant", "content": first.content}, {"role": "user", "content": "Next"}]
    second = target.client.messages.create(model=target.model, max_tokens=2048, thinking=THINKING, messages=messages)
    assert second.content[-1].text == reply_prefix(target.model) + "Next"


@pytest.mark.parametrize("target", ANTHROPIC_TARGETS, indirect=True)
def test_redacted_thinking_survives_the_next_turn(target):
    model = f"{target.model}@redacted-thinking"
    messages = [{"role": "user", "content": "Think secretly"}]
    first = target.client.messages.create(model=model, max_tokens=2048, thinking=THINKING, messages=messages)
    assert [block.type for block in first.content] == ["thinking", "redacted_thinking", "text"]
    assert first.content[1].data
    messages += [{"role": "assistant", "content": first.content}, {"role": "user", "content": "Next"}]
    second = target.client.messages.create(model=model, max_tokens=2048, thinking=THINKING, messages=messages)
    assert second.content[-1].text == reply_prefix(target.model) + "Next"


@pytest.mark.parametrize("target", ANTHROPIC_TARGETS, indirect=True)
def test_thinking_with_a_tool_loop(target):
    messages = [{"role": "user", "content": "Weather?"}]
    first = target.client.messages.create(model=target.model, max_tokens=2048, thinking=THINKING, tools=TOOLS, messages=messages)
    assert [block.type for block in first.content] == ["thinking", "tool_use"]
    assert first.stop_reason == "tool_use"
    call = first.content[1]
    assert (call.name, call.input) == ("get_weather", WEATHER_ARGS)
    messages += [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": TOOL_RESULT}]},
    ]
    final = target.client.messages.create(model=target.model, max_tokens=2048, thinking=THINKING, tools=TOOLS, messages=messages)
    assert final.content[-1].text == WEATHER_RESULT_LINE


@pytest.mark.parametrize("target", ["gemini"], indirect=True)
def test_thinking_tool_loop_to_gemini_keeps_the_thought_signature(target):
    """Gemini with thinking on refuses a function call sent back without the signature it issued;
    the Anthropic caller has no place for it but what Chimera gives it, so it must come back."""
    messages = [{"role": "user", "content": "Weather?"}]
    first = target.client.messages.create(model=target.model, max_tokens=2048, thinking=THINKING, tools=TOOLS, messages=messages)
    types = [block.type for block in first.content]
    assert types[-1] == "tool_use" and first.stop_reason == "tool_use"
    assert "thinking" in types and next(b for b in first.content if b.type == "thinking").thinking == REASONING_TEXT
    call = first.content[-1]
    assert (call.name, call.input) == ("get_weather", WEATHER_ARGS)
    messages += [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": TOOL_RESULT}]},
    ]
    final = target.client.messages.create(model=target.model, max_tokens=2048, thinking=THINKING, tools=TOOLS, messages=messages)
    assert final.content[-1].text == WEATHER_RESULT_LINE


@pytest.mark.parametrize("target", ANTHROPIC_TARGETS, indirect=True)
def test_cache_control_on_a_system_block(target):
    system_text = f"You are a careful assistant, session {uuid.uuid4().hex}, who answers briefly and well."
    system = [{"type": "text", "text": system_text, "cache_control": {"type": "ephemeral"}}]
    messages = [{"role": "user", "content": "Hello there"}]
    first = target.client.messages.create(model=target.model, max_tokens=300, system=system, messages=messages)
    words = len(system_text.split())
    assert first.usage.cache_creation_input_tokens == words
    assert first.usage.cache_read_input_tokens == 0
    assert first.usage.input_tokens == 2
    second = target.client.messages.create(model=target.model, max_tokens=300, system=system, messages=messages)
    assert second.usage.cache_read_input_tokens == words
    assert second.usage.cache_creation_input_tokens == 0
    assert second.usage.input_tokens == 2
    assert second.content[0].text == reply_prefix(target.model) + "Hello there"


@pytest.mark.parametrize("target", ANTHROPIC_TARGETS, indirect=True)
def test_cache_control_on_tools_system_and_message(target):
    tag = uuid.uuid4().hex
    tools = [{**TOOLS[0], "description": f"Forecast {tag}", "cache_control": {"type": "ephemeral"}}]
    system = [{"type": "text", "text": f"System {tag} prompt", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
    messages = [{"role": "user", "content": [{"type": "text", "text": "Hello cached world", "cache_control": {"type": "ephemeral"}}]}]
    tools_words = 1 + 2  # the tool's name and the words of its description
    total = tools_words + 3 + 3
    first = target.client.messages.create(model=target.model, max_tokens=300, tools=tools, tool_choice={"type": "none"}, system=system, messages=messages)
    assert (first.usage.cache_creation_input_tokens, first.usage.cache_read_input_tokens, first.usage.input_tokens) == (total, 0, 0)
    # A request that shares only the tools and the system reads those, and writes its own message.
    other = [{"role": "user", "content": [{"type": "text", "text": "A different question", "cache_control": {"type": "ephemeral"}}]}]
    second = target.client.messages.create(model=target.model, max_tokens=300, tools=tools, tool_choice={"type": "none"}, system=system, messages=other)
    assert (second.usage.cache_read_input_tokens, second.usage.cache_creation_input_tokens) == (tools_words + 3, 3)


@pytest.mark.parametrize("target", ["openai", "gemini"], indirect=True)
def test_cache_control_is_accepted_across_families(target):
    system = [{"type": "text", "text": "Be brief and kind.", "cache_control": {"type": "ephemeral"}}]
    message = target.client.messages.create(
        model=target.model, max_tokens=300, system=system,
        messages=[{"role": "user", "content": [{"type": "text", "text": "Hello there", "cache_control": {"type": "ephemeral"}}]}],
    )
    assert message.content[0].text == reply_prefix(target.model) + "Hello there"
    assert message.usage.input_tokens == 4 + 2  # the system prompt reached the upstream


def test_image_block(target):
    message = target.client.messages.create(
        model=target.model, max_tokens=300,
        messages=[{"role": "user", "content": [
            {"type": "text", "text": "What is this?"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_BASE64}},
        ]}],
    )
    text = message.content[0].text
    assert text.startswith(reply_prefix(target.model) + "What is this?")
    assert IMAGE_ACK in text


def test_structured_output_parse(target):
    message = target.client.messages.parse(
        model=target.model, max_tokens=300, output_format=Forecast,
        messages=[{"role": "user", "content": "Forecast for Paris"}],
    )
    assert message.parsed_output == Forecast(**FORECAST)
    assert json.loads(message.content[0].text) == FORECAST


@pytest.mark.parametrize("target", ["gemini"], indirect=True)
def test_streamed_thinking_tool_loop_to_gemini_keeps_the_thought_signature(target):
    messages = [{"role": "user", "content": "Weather?"}]
    with target.client.messages.stream(model=target.model, max_tokens=2048, thinking=THINKING, tools=TOOLS, messages=messages) as stream:
        first = stream.get_final_message()
    thinking = [block for block in first.content if block.type == "thinking"]
    assert [block.thinking for block in thinking] == [REASONING_TEXT]
    [call] = tool_use_blocks(first)
    assert (call.name, call.input) == ("get_weather", WEATHER_ARGS)
    messages += [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": TOOL_RESULT}]},
    ]
    with target.client.messages.stream(model=target.model, max_tokens=2048, thinking=THINKING, tools=TOOLS, messages=messages) as stream:
        text = "".join(stream.text_stream)
    assert text == WEATHER_RESULT_LINE


def radar_turns(target):
    messages = [{"role": "user", "content": "Show me the radar"}]
    first = target.client.messages.create(model=target.model, max_tokens=300, tools=TOOLS, messages=messages)
    [call] = tool_use_blocks(first)
    return messages + [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": [
            {"type": "text", "text": TOOL_RESULT},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_BASE64}},
        ]}]},
    ]


@pytest.mark.parametrize("target", [*ANTHROPIC_TARGETS, "gemini"], indirect=True)
def test_image_in_a_tool_result(target):
    final = target.client.messages.create(model=target.model, max_tokens=300, tools=TOOLS, messages=radar_turns(target))
    assert final.content[0].text.startswith(WEATHER_RESULT_LINE)


@pytest.mark.parametrize("target", ["openai"], indirect=True)
def test_image_in_a_tool_result_to_openai_is_refused_by_name(target):
    """Chat Completions tool messages carry text only: a clear refusal, not a silently dropped image."""
    with pytest.raises(anthropic.BadRequestError) as refused:
        target.client.messages.create(model=target.model, max_tokens=300, tools=TOOLS, messages=radar_turns(target))
    assert "messages[2].content[0].content[1]" in str(refused.value)
    assert "text only" in str(refused.value)
