"""The response cache and in-flight deduplication (docs/caching.md) as the official SDKs meet
them: `chimera proxy --simulate` with CHIMERA_CACHE=memory and CHIMERA_DEDUPLICATE=true."""
import concurrent.futures

import anthropic
import openai
import pytest

from conftest import start, stop

KEY = "test-cache-key"


@pytest.fixture(scope="module")
def caching_proxy():
    process, base = start(["proxy", "--simulate", "--api-key", KEY], "/health",
                          env={"CHIMERA_CACHE": "memory", "CHIMERA_DEDUPLICATE": "true"})
    yield base
    stop(process)


def test_openai_a_repeated_request_is_a_hit_with_the_same_answer(caching_proxy):
    client = openai.OpenAI(base_url=f"{caching_proxy}/v1", api_key=KEY, max_retries=0)
    messages = [{"role": "user", "content": "cache me, openai"}]
    first = client.chat.completions.with_raw_response.create(model="gpt-4.1", messages=messages)
    second = client.chat.completions.with_raw_response.create(model="gpt-4.1", messages=messages)
    assert first.headers["chimera-cache"] == "miss"
    assert second.headers["chimera-cache"] == "hit"
    assert second.parse().choices[0].message.content == first.parse().choices[0].message.content
    assert second.parse().id == first.parse().id


def test_openai_no_cache_asks_upstream_again(caching_proxy):
    client = openai.OpenAI(base_url=f"{caching_proxy}/v1", api_key=KEY, max_retries=0)
    messages = [{"role": "user", "content": "fresh, please"}]
    client.chat.completions.create(model="gpt-4.1", messages=messages)
    fresh = client.chat.completions.with_raw_response.create(model="gpt-4.1", messages=messages,
                                                             extra_headers={"Cache-Control": "no-cache"})
    assert fresh.headers["chimera-cache"] == "miss"


def test_anthropic_a_cached_stream_replays_the_same_events(caching_proxy):
    client = anthropic.Anthropic(base_url=f"{caching_proxy}/claude-custom", api_key=KEY, max_retries=0)
    request = dict(model="claude-sonnet-4-5@words=12", max_tokens=200, messages=[{"role": "user", "content": "stream me"}])

    def events():
        with client.messages.stream(**request) as stream:
            return [event.type for event in stream], stream.get_final_message()

    first_events, first = events()
    second_events, second = events()
    assert second_events == first_events
    assert second.content[0].text == first.content[0].text
    assert second.usage.output_tokens == first.usage.output_tokens


def test_concurrent_identical_requests_share_one_upstream_call(caching_proxy):
    client = openai.OpenAI(base_url=f"{caching_proxy}/v1", api_key=KEY, max_retries=0)
    messages = [{"role": "user", "content": "all at once"}]

    def ask(_):
        raw = client.chat.completions.with_raw_response.create(model="gpt-4.1@latency=1500", messages=messages)
        return raw.headers["chimera-cache"], raw.parse().choices[0].message.content

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(ask, range(8)))
    assert len({text for _, text in answers}) == 1
    # One call upstream; the others shared it (or, arriving after it ended on a loaded machine,
    # found it cached).
    results = [result for result, _ in answers]
    assert results.count("miss") == 1 and set(results) - {"miss"} <= {"shared", "hit"}
