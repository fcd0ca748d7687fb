"""The official openai SDK against `chimera serve`'s OpenAI-compatible front door, in proxy mode."""
import openai
import pytest

PROMPT = "Hello wörld 🌍 from the SDK"


@pytest.mark.parametrize("model", ["openai/gpt-4.1", "anthropic/claude-sonnet-4-5", "gemini/gemini-2.5-flash"])
def test_openai_sdk_unary_through_serve(serve_url, model):
    client = openai.OpenAI(base_url=f"{serve_url}/v1", api_key="test-serve-key")
    completion = client.chat.completions.create(model=model, messages=[{"role": "user", "content": PROMPT}], max_tokens=50)
    assert PROMPT in completion.choices[0].message.content
    assert completion.choices[0].finish_reason == "stop"


@pytest.mark.parametrize("model", ["openai/gpt-4.1", "deepseek/deepseek-chat", "qwen/qwen-plus"])
def test_openai_sdk_streaming_through_serve(serve_url, model):
    client = openai.OpenAI(base_url=f"{serve_url}/v1", api_key="test-serve-key")
    stream = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": PROMPT}], stream=True, stream_options={"include_usage": True}
    )
    text, usage = "", None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
        if chunk.usage:
            usage = chunk.usage
    assert PROMPT in text
    assert usage is not None and usage.prompt_tokens == 6


def test_serve_refuses_a_wrong_key(serve_url):
    client = openai.OpenAI(base_url=f"{serve_url}/v1", api_key="wrong")
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(model="openai/gpt-4.1", messages=[{"role": "user", "content": "hi"}])


def test_openai_sdk_lists_models_through_serve(serve_url):
    client = openai.OpenAI(base_url=f"{serve_url}/v1", api_key="test-serve-key")
    ids = [model.id for model in client.models.list()]
    # Every provider's models, each written as chat completions takes it.
    for provider in ["openai", "anthropic", "gemini", "deepseek", "qwen", "cursor"]:
        assert any(id.startswith(f"{provider}/") for id in ids), f"no {provider} model in {ids}"
    completion = client.chat.completions.create(
        model=next(id for id in ids if id.startswith("anthropic/")), messages=[{"role": "user", "content": PROMPT}], max_tokens=50
    )
    assert PROMPT in completion.choices[0].message.content
