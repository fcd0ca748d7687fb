"""Full fidelity through `chimera proxy` with the official google-genai SDK: function calling
(forced and automatic, unary and streamed, one and parallel calls) with the `function_response`
turn, JSON output with a response schema, inline images and thinking with thought signatures — to
Gemini (under `v1beta` and `v1`), and across families to OpenAI and Anthropic.

Every expectation is what the simulator answers when the request reached it intact
(docs/simulator.md)."""
import json
import re

import pytest
from google import genai
from google.genai import types

from fidelity_common import (
    FORECAST, IMAGE_ACK, PNG, PROXY_KEY, REASONING_TEXT, TIME_ARGS, TIME_SCHEMA, WEATHER_ARGS, WEATHER_RESULT_LINE,
    Forecast, reply_prefix,
)

# target id -> (route prefix, api_version, model, upstream family)
TARGETS = {
    "gemini-v1beta": ("", "v1beta", "gemini-2.5-flash", "gemini"),
    "gemini-v1": ("", "v1", "gemini-2.5-flash", "gemini"),
    "gemini-cli-oauth": ("/gemini-cli-oauth", "v1beta", "gemini-2.5-flash", "gemini"),
    "openai": ("/openai-custom", "v1beta", "gpt-4.1", "openai"),
    "anthropic": ("/claude-custom", "v1beta", "claude-sonnet-4-5", "anthropic"),
}

# The id a function call carries back to a Gemini caller: none from Gemini itself; the upstream's
# own id from the other families, so that an answer by id can find its call.
CALL_ID = {
    "gemini": None,
    "openai": re.compile(r"call_sim\d+_(\d+)"),
    "anthropic": re.compile(r"toolu_sim\d+_(\d+)"),
}

WEATHER = types.FunctionDeclaration(
    name="get_weather",
    description="The weather forecast for a city",
    parameters=types.Schema(
        type="OBJECT",
        properties={
            "city": types.Schema(type="STRING", description="The city"),
            "unit": types.Schema(type="STRING", enum=["celsius", "fahrenheit"]),
            "days": types.Schema(type="INTEGER"),
        },
        required=["city", "unit", "days"],
    ),
)
# The other declaration in JSON Schema form.
TIME = types.FunctionDeclaration(name="get_time", description="The local time", parameters_json_schema=TIME_SCHEMA)
TOOLS = [types.Tool(function_declarations=[WEATHER, TIME])]
NO_AFC = types.AutomaticFunctionCallingConfig(disable=True)


class Target:
    def __init__(self, client, model, family):
        self.client, self.model, self.family = client, model, family


@pytest.fixture(params=list(TARGETS))
def target(request, proxy_url) -> Target:
    prefix, version, model, family = TARGETS[request.param]
    client = genai.Client(api_key=PROXY_KEY, http_options=types.HttpOptions(base_url=f"{proxy_url}{prefix}", api_version=version))
    return Target(client, model, family)


def config(**fields) -> types.GenerateContentConfig:
    return types.GenerateContentConfig(**{"max_output_tokens": 300, "automatic_function_calling": NO_AFC, **fields})


def forced(name: str) -> types.ToolConfig:
    return types.ToolConfig(function_calling_config=types.FunctionCallingConfig(mode="ANY", allowed_function_names=[name]))


def assert_call_id(family: str, call_id: str | None, index: int) -> None:
    if CALL_ID[family] is None:
        assert call_id is None
        return
    match = CALL_ID[family].match(call_id or "")
    assert match, f"function call id {call_id!r} is not the {family} upstream's id"
    assert int(match.group(1)) == index


def user(text: str) -> types.Content:
    return types.Content(role="user", parts=[types.Part.from_text(text=text)])


def test_function_calling_loop(target):
    contents = [user("Weather in Paris?")]
    first = target.client.models.generate_content(model=target.model, contents=contents, config=config(tools=TOOLS))
    assert first.candidates[0].finish_reason == types.FinishReason.STOP
    assert not first.text
    [call] = first.function_calls
    assert call.name == "get_weather"
    assert call.args == WEATHER_ARGS
    assert_call_id(target.family, call.id, 0)
    contents += [
        first.candidates[0].content,
        types.Content(role="user", parts=[types.Part.from_function_response(name="get_weather", response={"temp": 21})]),
    ]
    final = target.client.models.generate_content(model=target.model, contents=contents, config=config(tools=TOOLS))
    assert not final.function_calls
    assert final.text == WEATHER_RESULT_LINE


def test_forced_function_call_answered_by_id(target):
    contents = [user("What time is it?")]
    first = target.client.models.generate_content(
        model=target.model, contents=contents, config=config(tools=TOOLS, tool_config=forced("get_time")),
    )
    [call] = first.function_calls
    assert (call.name, call.args) == ("get_time", TIME_ARGS)
    response = types.FunctionResponse(id=call.id, name=call.name, response={"time": "12:00"})
    contents += [first.candidates[0].content, types.Content(role="user", parts=[types.Part(function_response=response)])]
    final = target.client.models.generate_content(model=target.model, contents=contents, config=config(tools=TOOLS))
    assert final.text == 'Tool get_time returned: {"time":"12:00"}'


def test_parallel_function_calls_and_responses(target):
    model = f"{target.model}@parallel-tools"
    contents = [user("Weather and time?")]
    first = target.client.models.generate_content(model=model, contents=contents, config=config(tools=TOOLS))
    calls = first.function_calls
    assert [(call.name, call.args) for call in calls] == [("get_weather", WEATHER_ARGS), ("get_time", TIME_ARGS)]
    for index, call in enumerate(calls):
        assert_call_id(target.family, call.id, index)
    contents += [
        first.candidates[0].content,
        types.Content(role="user", parts=[
            types.Part.from_function_response(name="get_weather", response={"temp": 21}),
            types.Part.from_function_response(name="get_time", response={"time": "12:00"}),
        ]),
    ]
    final = target.client.models.generate_content(model=model, contents=contents, config=config(tools=TOOLS))
    assert final.text == f'{WEATHER_RESULT_LINE}\nTool get_time returned: {{"time":"12:00"}}'


def test_streamed_function_call(target):
    chunks = list(target.client.models.generate_content_stream(
        model=target.model, contents="Weather?", config=config(tools=TOOLS, tool_config=forced("get_weather")),
    ))
    calls = [call for chunk in chunks for call in (chunk.function_calls or [])]
    assert [(call.name, call.args) for call in calls] == [("get_weather", WEATHER_ARGS)]
    assert_call_id(target.family, calls[0].id, 0)
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP


def test_json_output_with_a_response_schema(target):
    answer = target.client.models.generate_content(
        model=target.model, contents="Forecast for Paris",
        config=config(response_mime_type="application/json", response_schema=Forecast),
    )
    assert isinstance(answer.parsed, Forecast)
    assert answer.parsed.model_dump() == FORECAST
    assert json.loads(answer.text) == FORECAST


def test_json_output_with_a_json_schema_streamed(target):
    chunks = list(target.client.models.generate_content_stream(
        model=target.model, contents="Forecast for Paris",
        config=config(response_mime_type="application/json", response_json_schema=Forecast.model_json_schema()),
    ))
    text = "".join(chunk.text or "" for chunk in chunks)
    assert len([chunk for chunk in chunks if chunk.text]) > 1
    assert json.loads(text) == FORECAST


def test_inline_image_part(target):
    answer = target.client.models.generate_content(
        model=target.model,
        contents=[types.Content(role="user", parts=[types.Part.from_text(text="What is this?"), types.Part.from_bytes(data=PNG, mime_type="image/png")])],
        config=config(),
    )
    assert answer.text.startswith(reply_prefix(target.model) + "What is this?")
    assert IMAGE_ACK in answer.text


@pytest.mark.parametrize("target", ["gemini-v1beta", "anthropic"], indirect=True)
def test_thinking_and_signed_function_call_loop(target):
    """Thoughts come back as `thought` parts, and the signatures must survive the next turn: Gemini
    checks the function call's `thoughtSignature`, Anthropic the thinking block's `signature`.

    google-genai holds `thought_signature` as bytes and sends it back base64url-encoded (`-`, `_`),
    as protobuf's JSON mapping of `bytes` allows and Gemini accepts; the signature was issued in
    standard base64. The same bytes must be accepted (Gemini) and reach Anthropic as the string it
    issued."""
    thinking = config(
        tools=TOOLS, max_output_tokens=2048, thinking_config=types.ThinkingConfig(include_thoughts=True, thinking_budget=1024),
    )
    contents = [user("Weather?")]
    first = target.client.models.generate_content(model=target.model, contents=contents, config=thinking)
    parts = first.candidates[0].content.parts
    thoughts = [part for part in parts if part.thought]
    assert [part.text for part in thoughts] == [REASONING_TEXT]
    [call] = first.function_calls
    assert (call.name, call.args) == ("get_weather", WEATHER_ARGS)
    assert any(part.thought_signature for part in parts), "the answer must carry a thought signature"
    contents += [
        first.candidates[0].content,
        types.Content(role="user", parts=[types.Part.from_function_response(name="get_weather", response={"temp": 21})]),
    ]
    final = target.client.models.generate_content(model=target.model, contents=contents, config=thinking)
    assert [part.text for part in final.candidates[0].content.parts if not part.thought] == [WEATHER_RESULT_LINE]
    if target.family == "gemini":
        assert first.usage_metadata.thoughts_token_count == 5
    else:
        # Anthropic's usage has no thinking-token count (thinking is billed as output): none is invented.
        assert first.usage_metadata.thoughts_token_count is None
