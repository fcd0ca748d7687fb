"""The official Python SDKs, used as their users would, against `chimera proxy`."""
import anthropic
import openai
import pytest

KEY = "test-proxy-key"
PROMPT = "Hello wörld 🌍 from the SDK"


@pytest.mark.parametrize("prefix, model", [("", "gpt-4.1"), ("/openai-custom-deepseek", "deepseek-chat"), ("/claude-custom", "claude-sonnet-4-5")])
def test_openai_sdk_unary(proxy_url, prefix, model):
    client = openai.OpenAI(base_url=f"{proxy_url}{prefix}/v1", api_key=KEY)
    completion = client.chat.completions.create(model=model, messages=[{"role": "user", "content": PROMPT}], max_tokens=50)
    assert completion.choices[0].message.content.startswith(f"Simulated reply from {model}: {PROMPT}")
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.prompt_tokens == 6


@pytest.mark.parametrize("prefix, model", [("", "gpt-4.1"), ("/openai-custom-deepseek", "deepseek-chat"), ("/gemini-cli-oauth", "gemini-2.5-flash")])
def test_openai_sdk_streaming(proxy_url, prefix, model):
    client = openai.OpenAI(base_url=f"{proxy_url}{prefix}/v1", api_key=KEY)
    stream = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": PROMPT}], stream=True, stream_options={"include_usage": True}
    )
    text, finish, usage = "", None, None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
        if chunk.usage:
            usage = chunk.usage
    assert text.startswith(f"Simulated reply from {model}: {PROMPT}")
    assert finish == "stop"
    assert usage is not None and usage.prompt_tokens == 6


def test_openai_sdk_sees_a_wrong_key_as_authentication_error(proxy_url):
    client = openai.OpenAI(base_url=f"{proxy_url}/v1", api_key="wrong")
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(model="gpt-4.1", messages=[{"role": "user", "content": "hi"}])


@pytest.mark.parametrize("prefix, model", [("", "claude-sonnet-4-5"), ("/claude-custom", "claude-sonnet-4-5"), ("/openai-custom", "gpt-4.1")])
def test_anthropic_sdk_unary(proxy_url, prefix, model):
    client = anthropic.Anthropic(base_url=f"{proxy_url}{prefix}", api_key=KEY)
    message = client.messages.create(model=model, max_tokens=100, messages=[{"role": "user", "content": PROMPT}])
    assert message.content[0].text.startswith(f"Simulated reply from {model}: {PROMPT}")
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens == 6


@pytest.mark.parametrize("prefix, model", [("", "claude-sonnet-4-5"), ("/claude-custom", "claude-sonnet-4-5"), ("/openai-qwen-oauth", "qwen-plus")])
def test_anthropic_sdk_streaming(proxy_url, prefix, model):
    client = anthropic.Anthropic(base_url=f"{proxy_url}{prefix}", api_key=KEY)
    with client.messages.stream(model=model, max_tokens=100, messages=[{"role": "user", "content": PROMPT}]) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text.startswith(f"Simulated reply from {model}: {PROMPT}")
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens == len(text.split())


def test_anthropic_sdk_sees_a_wrong_key_as_authentication_error(proxy_url):
    client = anthropic.Anthropic(base_url=proxy_url, api_key="wrong")
    with pytest.raises(anthropic.AuthenticationError):
        client.messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
