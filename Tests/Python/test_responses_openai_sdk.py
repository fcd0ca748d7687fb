"""The official openai SDK's Responses API (`client.responses.create`) against `chimera proxy` to an
OpenAI upstream (passed through to its own /v1/responses) and to an Anthropic upstream (translated),
and against `chimera serve`."""
import json

import openai
import pytest

from fidelity_common import FORECAST, PROXY_KEY, SERVE_KEY, TOOL_RESULT, WEATHER_ARGS, WEATHER_RESULT_LINE, WEATHER_SCHEMA, reply_prefix

PROMPT = "Hello wörld 🌍 from the Responses API"
WEATHER_TOOL = {"type": "function", "name": "get_weather", "description": "Current weather", "parameters": WEATHER_SCHEMA}
FORECAST_FORMAT = {
    "type": "json_schema", "name": "forecast", "strict": True,
    "schema": {
        "type": "object", "additionalProperties": False, "required": ["city", "days", "unit"],
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
    },
}

# (where the client points, the model it names)
TARGETS = {
    "proxy-openai": ("proxy", "/openai-custom/v1", "gpt-4.1"),
    "proxy-anthropic": ("proxy", "/claude-custom/v1", "claude-sonnet-4-5"),
    "serve-anthropic": ("serve", "/v1", "anthropic/claude-sonnet-4-5"),
}


@pytest.fixture(params=list(TARGETS))
def target(request, proxy_url, serve_url):
    server, path, model = TARGETS[request.param]
    base, key = (proxy_url, PROXY_KEY) if server == "proxy" else (serve_url, SERVE_KEY)
    return openai.OpenAI(base_url=base + path, api_key=key), model


def test_unary_string_input(target):
    client, model = target
    response = client.responses.create(model=model, instructions="Be brief.", input=PROMPT, max_output_tokens=64)
    assert response.status == "completed"
    assert response.output_text.startswith(reply_prefix(model))
    assert PROMPT in response.output_text
    assert response.usage.input_tokens > 0 and response.usage.output_tokens > 0


def test_streamed_events(target):
    client, model = target
    stream = client.responses.create(model=model, input=[{"role": "user", "content": PROMPT}], stream=True)
    events = list(stream)
    types = [event.type for event in events]
    assert types[:2] == ["response.created", "response.in_progress"]
    assert types[-1] == "response.completed"
    assert [event.sequence_number for event in events] == list(range(len(events)))
    text = "".join(event.delta for event in events if event.type == "response.output_text.delta")
    assert PROMPT in text
    assert events[-1].response.output_text == text


def test_function_tool_and_its_output_sent_back(target):
    client, model = target
    first = client.responses.create(model=model, input=f"Weather? {PROMPT}", tools=[WEATHER_TOOL])
    calls = [item for item in first.output if item.type == "function_call"]
    assert len(calls) == 1 and calls[0].name == "get_weather"
    assert json.loads(calls[0].arguments) == WEATHER_ARGS
    second = client.responses.create(
        model=model, tools=[WEATHER_TOOL],
        input=[{"role": "user", "content": f"Weather? {PROMPT}"}, calls[0],
               {"type": "function_call_output", "call_id": calls[0].call_id, "output": TOOL_RESULT}],
    )
    assert WEATHER_RESULT_LINE in second.output_text


def test_json_schema_text_format(target):
    client, model = target
    response = client.responses.create(model=model, input="The forecast, please", text={"format": FORECAST_FORMAT})
    assert json.loads(response.output_text) == FORECAST


def test_previous_response_id_is_refused_by_name_for_anthropic(proxy_url):
    client = openai.OpenAI(base_url=proxy_url + "/claude-custom/v1", api_key=PROXY_KEY)
    with pytest.raises(openai.BadRequestError) as refused:
        client.responses.create(model="claude-sonnet-4-5", input="Hi", previous_response_id="resp_1")
    assert "previous_response_id" in str(refused.value)


def test_previous_response_id_continues_at_openai(proxy_url):
    client = openai.OpenAI(base_url=proxy_url + "/openai-custom/v1", api_key=PROXY_KEY)
    first = client.responses.create(model="gpt-4.1", input="Hi", store=True)
    second = client.responses.create(model="gpt-4.1", input="And then?", previous_response_id=first.id)
    assert second.previous_response_id == first.id
