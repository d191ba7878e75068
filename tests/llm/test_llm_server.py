"""The fake OpenAI-compatible server works with the REAL openai client and LangChain's ChatOpenAI.

These tests also pin what the installed clients actually do on the LLM path (request shapes,
retries, how malformed or schema-violating output surfaces), so an upgrade that changes any of it
fails here first.
"""

from __future__ import annotations

import time

import openai
import pydantic
import pytest
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from tests.support.llm_server import LLAMA_CPP_REJECTION, FakeOpenAIServer


class Answer(BaseModel):
    answer: int
    why: str


GOOD = {"answer": 42, "why": "because"}


@pytest.fixture
def server():
    with FakeOpenAIServer() as srv:
        yield srv


def raw_client(server: FakeOpenAIServer, **kwargs) -> openai.OpenAI:
    kwargs.setdefault("max_retries", 0)
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", **kwargs)


def chat(server: FakeOpenAIServer, **kwargs) -> ChatOpenAI:
    kwargs.setdefault("max_retries", 0)
    return ChatOpenAI(
        model="test-model",
        base_url=server.base_url,
        api_key="sk-test",
        use_responses_api=False,
        **kwargs,
    )


def structured(server: FakeOpenAIServer, method: str, **kwargs):
    return chat(server, **kwargs).with_structured_output(Answer, method=method, include_raw=True)


# -- 1. the raw openai client ------------------------------------------------------------------


def test_openai_client_gets_scripted_json_and_usage(server, capfd):
    server.script({"kind": "json", "content": GOOD})
    client = raw_client(server)
    messages = [{"role": "user", "content": "hello there"}]
    resp = client.chat.completions.create(model="my-model", messages=messages)

    assert resp.object == "chat.completion"
    assert resp.model == "my-model"  # echoed
    choice = resp.choices[0]
    assert choice.index == 0 and choice.finish_reason == "stop"
    assert choice.message.role == "assistant"
    assert choice.message.content == '{"answer": 42, "why": "because"}'
    assert resp.usage.prompt_tokens > 0 and resp.usage.completion_tokens > 0
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens

    assert server.calls == 1
    (req,) = server.requests
    assert req["method"] == "POST" and req["path"] == "/v1/chat/completions"
    assert req["body"]["messages"] == messages
    assert req["headers"]["authorization"] == "Bearer sk-test"
    # The server itself never logs (request lines or headers).
    out, err = capfd.readouterr()
    assert "sk-test" not in out + err


def test_models_endpoint_usage_override_and_default_step(server):
    client = raw_client(server)
    assert [m.id for m in client.models.list()] == ["test-model"]

    server.script({"kind": "json", "content": "plain", "usage": {"prompt_tokens": 7}})
    resp = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert resp.usage.prompt_tokens == 7
    assert resp.usage.total_tokens == 7 + resp.usage.completion_tokens

    # Empty queue: the default step (auto, empty object) answers.
    resp = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert resp.choices[0].message.content == "{}"
    assert server.calls == 2 and server.pending == 0


def test_stream_requests_are_refused(server):
    with pytest.raises(openai.BadRequestError):
        raw_client(server).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x"}], stream=True
        )


# -- 2. LangChain structured output, both methods ------------------------------------------------


def test_langchain_json_schema_method(server):
    server.script({"kind": "auto", "payload": GOOD})
    result = structured(server, "json_schema").invoke("hi")

    assert result["parsed"] == Answer(**GOOD)
    assert result["parsing_error"] is None
    assert result["raw"].usage_metadata["input_tokens"] > 0

    body = server.bodies[-1]
    assert "tools" not in body and "tool_choice" not in body
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    # A Pydantic schema goes through openai's `.parse()`, which always asks for strict mode and
    # closes the schema (additionalProperties: false), whatever `strict` LangChain was given.
    assert fmt["json_schema"]["name"] == "Answer"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False
    assert fmt["json_schema"]["schema"]["required"] == ["answer", "why"]


def test_langchain_function_calling_method(server):
    server.script({"kind": "auto", "payload": GOOD})
    result = structured(server, "function_calling").invoke("hi")

    assert result["parsed"] == Answer(**GOOD)
    assert result["parsing_error"] is None
    assert result["raw"].tool_calls[0]["name"] == "Answer"

    body = server.bodies[-1]
    assert "response_format" not in body
    (tool,) = body["tools"]
    assert tool["type"] == "function" and tool["function"]["name"] == "Answer"
    assert "strict" not in tool["function"]  # strict=None: not sent
    assert body["tool_choice"] == {"type": "function", "function": {"name": "Answer"}}
    assert body["parallel_tool_calls"] is False


# -- 3. llama.cpp: json_schema response_format refused, function calling fine --------------------


def test_llama_cpp_rejects_json_schema_but_function_calling_works():
    with FakeOpenAIServer(reject_json_schema=True) as server:
        server.script({"kind": "auto", "payload": GOOD})
        with pytest.raises(openai.InternalServerError) as info:
            structured(server, "json_schema").invoke("hi")
        assert info.value.status_code == 500
        assert info.value.body == LLAMA_CPP_REJECTION["error"]
        assert server.pending == 1  # the rejection consumed no step

        result = structured(server, "function_calling").invoke("hi")
        assert result["parsed"] == Answer(**GOOD)
        assert server.calls == 2 and server.pending == 0


# -- 4. retries ----------------------------------------------------------------------------------


def test_rate_limit_then_success_is_retried(server):
    server.script({"kind": "status", "code": 429}, {"kind": "json", "content": GOOD})
    start = time.monotonic()
    resp = raw_client(server, max_retries=2).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "x"}]
    )
    assert resp.choices[0].message.content == '{"answer": 42, "why": "because"}'
    assert server.calls == 2
    assert [r["headers"]["x-stainless-retry-count"] for r in server.requests] == ["0", "1"]
    assert time.monotonic() - start < 0.5  # retry-after-ms: 1 honoured, no 0.5 s backoff


def test_langchain_retries_server_errors_then_parses(server):
    server.script({"kind": "status", "code": 503}, {"kind": "auto", "payload": GOOD})
    result = structured(server, "function_calling", max_retries=2).invoke("hi")
    assert result["parsed"] == Answer(**GOOD)
    assert server.calls == 2


def test_rate_limit_without_retries_raises(server):
    server.script({"kind": "status", "code": 429})
    with pytest.raises(openai.RateLimitError) as info:
        structured(server, "json_schema").invoke("hi")
    assert info.value.body["code"] == "rate_limit_exceeded"


# -- 5. malformed output: what LangChain really does with include_raw=True ------------------------


def test_function_calling_malformed_arguments_are_silent(server):
    # Unparseable tool arguments become an *invalid_tool_call*; PydanticToolsParser then sees no
    # tool call at all and returns None -- neither `parsed` nor `parsing_error` is set.
    server.script({"kind": "tool", "arguments": '{"answer": 42, "why": '})
    result = structured(server, "function_calling").invoke("hi")
    assert result["parsed"] is None
    assert result["parsing_error"] is None
    assert result["raw"].tool_calls == []
    (bad,) = result["raw"].invalid_tool_calls
    assert bad["name"] == "Answer" and "not valid JSON" in bad["error"]


def test_function_calling_schema_violation_sets_parsing_error(server):
    server.script({"kind": "tool", "arguments": {"answer": "many"}})
    result = structured(server, "function_calling").invoke("hi")
    assert result["parsed"] is None
    assert isinstance(result["parsing_error"], pydantic.ValidationError)


@pytest.mark.parametrize("content", ['{"answer": 42, "why": ', {"answer": "many"}])
def test_json_schema_bad_content_raises_despite_include_raw(server, content):
    # With a Pydantic schema the openai client's `.parse()` validates inside the model call,
    # before LangChain's include_raw fallback can catch anything: the error propagates.
    server.script({"kind": "json", "content": content})
    with pytest.raises(pydantic.ValidationError):
        structured(server, "json_schema").invoke("hi")


def test_json_schema_truncated_output_raises_length_error(server):
    server.script({"kind": "json", "content": GOOD, "finish_reason": "length"})
    with pytest.raises(openai.LengthFinishReasonError):
        structured(server, "json_schema").invoke("hi")


# -- 6. timeouts and cut connections -------------------------------------------------------------


def test_timeout_raises_api_timeout_error(server):
    server.script({"kind": "sleep", "seconds": 2, "then": {"kind": "json", "content": GOOD}})
    start = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        raw_client(server, timeout=0.5).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x"}]
        )
    assert time.monotonic() - start < 1.5


def test_langchain_timeout_raises_api_timeout_error(server):
    server.script({"kind": "sleep", "seconds": 2})
    with pytest.raises(openai.APITimeoutError):
        structured(server, "function_calling", timeout=0.3).invoke("hi")


def test_cut_connection_raises_connection_error(server):
    server.script({"kind": "cut"})
    with pytest.raises(openai.APIConnectionError) as info:
        raw_client(server).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x"}]
        )
    assert not isinstance(info.value, openai.APITimeoutError)


def test_server_shuts_down_promptly_while_a_request_sleeps():
    import threading

    errors: list[BaseException] = []
    with FakeOpenAIServer() as server:
        server.script({"kind": "sleep", "seconds": 30})
        client = raw_client(server, timeout=5)

        def call():
            try:
                client.chat.completions.create(
                    model="m", messages=[{"role": "user", "content": "x"}]
                )
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
                errors.append(exc)

        worker = threading.Thread(target=call, daemon=True)
        worker.start()
        while server.calls == 0:
            time.sleep(0.01)
        start = time.monotonic()
    assert time.monotonic() - start < 1.0
    worker.join(timeout=6)
    assert errors and isinstance(errors[0], openai.APIConnectionError)
