"""The official openai and google-genai SDKs' embeddings calls against `chimera proxy` (simulated
upstreams) and `chimera serve` (in proxy mode in front of it, so the hop is the binary `Embed`
call). The simulator's vectors are deterministic: equal texts embed equally (docs/simulator.md)."""
import math
from array import array

import openai
import pytest
from google import genai
from google.genai import types

from fidelity_common import PROXY_KEY, SERVE_KEY

TEXTS = ["the quick brown fox", "jumps over the lazy dog", "the quick brown fox"]

# target id -> (server fixture, route prefix, model, vector size, key)
OPENAI_TARGETS = {
    "proxy-openai": ("proxy_url", "", "text-embedding-3-small", 1536, PROXY_KEY),
    "proxy-qwen": ("proxy_url", "/openai-qwen-oauth", "text-embedding-v3", 1024, PROXY_KEY),
    "proxy-gemini": ("proxy_url", "/gemini-cli-oauth", "gemini-embedding-001", 3072, PROXY_KEY),
    "serve-openai": ("serve_url", "", "openai/text-embedding-3-small", 1536, SERVE_KEY),
    "serve-qwen": ("serve_url", "", "qwen/text-embedding-v3", 1024, SERVE_KEY),
    "serve-gemini": ("serve_url", "", "gemini/text-embedding-004", 768, SERVE_KEY),
}


def openai_target(request, target):
    fixture, prefix, model, size, key = OPENAI_TARGETS[target]
    base = request.getfixturevalue(fixture)
    return openai.OpenAI(base_url=f"{base}{prefix}/v1", api_key=key, max_retries=0), model, size


def is_unit(vector):
    return abs(math.sqrt(sum(value * value for value in vector)) - 1) < 1e-4


@pytest.mark.parametrize("target", OPENAI_TARGETS)
def test_openai_sdk_embeds_one_text(request, target):
    client, model, size = openai_target(request, target)
    # The SDK asks for encoding_format=base64 unless told otherwise, and decodes it itself.
    response = client.embeddings.create(model=model, input="hello wörld 🌍")
    assert len(response.data) == 1
    assert len(response.data[0].embedding) == size
    assert is_unit(response.data[0].embedding)


@pytest.mark.parametrize("target", OPENAI_TARGETS)
def test_openai_sdk_embeds_a_batch_in_order_and_both_encodings_agree(request, target):
    client, model, size = openai_target(request, target)
    as_base64 = client.embeddings.create(model=model, input=TEXTS)
    as_float = client.embeddings.create(model=model, input=TEXTS, encoding_format="float")
    vectors = [item.embedding for item in as_base64.data]
    assert [item.index for item in as_base64.data] == [0, 1, 2]
    assert all(len(vector) == size for vector in vectors)
    assert vectors[0] == vectors[2] and vectors[0] != vectors[1]
    # base64 carries the float32 bits; JSON carries each float32's shortest literal, which
    # Python reads as a nearby double: both are the same float32 vector.
    as_float32 = [array("f", item.embedding).tolist() for item in as_float.data]
    assert [array("f", vector).tolist() for vector in vectors] == as_float32


@pytest.mark.parametrize("target", ["proxy-openai", "serve-qwen", "serve-gemini"])
def test_openai_sdk_dimensions_shorten_the_vectors(request, target):
    client, model, _ = openai_target(request, target)
    response = client.embeddings.create(model=model, input=TEXTS[:2], dimensions=256)
    assert [len(item.embedding) for item in response.data] == [256, 256]


@pytest.mark.parametrize("fixture,prefix,model,key", [
    ("proxy_url", "/claude-custom", "claude-sonnet-4-5", PROXY_KEY),
    ("proxy_url", "/openai-custom-deepseek", "deepseek-chat", PROXY_KEY),
    ("serve_url", "", "cursor/cursor-small", SERVE_KEY),
])
def test_openai_sdk_gets_a_named_refusal_from_providers_without_embeddings(request, fixture, prefix, model, key):
    client = openai.OpenAI(base_url=f"{request.getfixturevalue(fixture)}{prefix}/v1", api_key=key, max_retries=0)
    with pytest.raises(openai.BadRequestError) as refused:
        client.embeddings.create(model=model, input="hi")
    assert "has no embeddings API; providers with embeddings: openai, gemini, qwen" in str(refused.value)


@pytest.mark.parametrize("prefix,version,model,size", [
    ("", "v1beta", "gemini-embedding-001", 3072),
    ("", "v1", "text-embedding-004", 768),
    ("/openai-custom", "v1beta", "text-embedding-3-small", 1536),
])
def test_genai_sdk_embeds_through_the_proxy(proxy_url, prefix, version, model, size):
    client = genai.Client(api_key=PROXY_KEY, http_options=types.HttpOptions(base_url=f"{proxy_url}{prefix}", api_version=version))
    one = client.models.embed_content(model=model, contents="hello wörld 🌍")
    assert len(one.embeddings) == 1 and len(one.embeddings[0].values) == size
    batch = client.models.embed_content(model=model, contents=TEXTS)
    vectors = [embedding.values for embedding in batch.embeddings]
    assert len(vectors) == 3 and vectors[0] == vectors[2] and vectors[0] != vectors[1]
    assert all(is_unit(vector) for vector in vectors)


def test_genai_sdk_output_dimensionality_and_task_type(proxy_url):
    client = genai.Client(api_key=PROXY_KEY, http_options=types.HttpOptions(base_url=proxy_url, api_version="v1beta"))
    result = client.models.embed_content(
        model="gemini-embedding-001", contents=TEXTS[:2],
        config=types.EmbedContentConfig(output_dimensionality=768, task_type="RETRIEVAL_DOCUMENT"),
    )
    assert [len(embedding.values) for embedding in result.embeddings] == [768, 768]


@pytest.mark.parametrize("version", ["v1beta", "v1"])
def test_genai_sdk_embeds_through_serve(serve_url, version):
    client = genai.Client(api_key="unused", http_options=types.HttpOptions(
        base_url=serve_url, api_version=version, headers={"Authorization": f"Bearer {SERVE_KEY}"}
    ))
    result = client.models.embed_content(model="gemini-embedding-001", contents=TEXTS, config=types.EmbedContentConfig(output_dimensionality=768))
    vectors = [embedding.values for embedding in result.embeddings]
    assert [len(vector) for vector in vectors] == [768, 768, 768]
    assert vectors[0] == vectors[2]


def test_genai_sdk_gets_a_named_refusal_in_gemini_shape(proxy_url):
    client = genai.Client(api_key=PROXY_KEY, http_options=types.HttpOptions(base_url=f"{proxy_url}/claude-custom", api_version="v1beta"))
    with pytest.raises(genai.errors.ClientError) as refused:
        client.models.embed_content(model="claude-sonnet-4-5", contents="hi")
    assert refused.value.code == 400
    assert "anthropic has no embeddings API" in str(refused.value)
