"""A scripted, OpenAI-compatible chat-completions server for tests (not a test module).

The LLM path is tested through the real ``openai`` client and LangChain's ``ChatOpenAI``: they
talk HTTP to this server on 127.0.0.1 (port chosen by the OS), so no network and no mocks of those
libraries. What the server answers is scripted, one step per chat-completion request::

    from tests.support.llm_server import FakeOpenAIServer

    with FakeOpenAIServer() as server:
        server.script(
            {"kind": "status", "code": 429},               # first request: rate limited
            {"kind": "auto", "payload": {"answer": 42}},   # second: tool call or JSON content
        )
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test")
        ...
        assert server.calls == 2
        assert server.requests[-1]["body"]["model"] == "test-model"

Steps (plain dicts; the helper functions below build the same dicts):

- ``{"kind": "json", "content": dict | str}``: a normal completion whose message content is the
  JSON text (``json.dumps`` of a dict; a str is sent verbatim, so it may be malformed).
- ``{"kind": "tool", "arguments": dict | str}``: a completion whose message carries one function
  ``tool_call``, named after the request's ``tools[0].function.name``; a str is sent verbatim.
- ``{"kind": "auto", "payload": dict | str}``: a tool call if the request has ``tools``, else JSON
  content. The default step is ``auto`` with an empty object.
- ``{"kind": "status", "code": int, "body": {...}, "headers": {...}}``: an HTTP error with an
  OpenAI-style error body. 429 and 5xx carry ``retry-after: 0`` and ``retry-after-ms: 1`` (the
  openai client ignores a zero ``retry-after`` and would back off ~0.5 s; ``retry-after-ms`` wins).
- ``{"kind": "sleep", "seconds": float, "then": step}``: wait, then answer with ``then``. The wait
  ends early when the server shuts down, so a test never waits for it.
- ``{"kind": "cut"}``: send the headers and part of the body, then close the connection.
- ``{"kind": "raw", "body": dict}``: HTTP 200 with ``body`` verbatim, e.g. a real server's
  response replayed from a recording (:func:`recorded_step`).

``json``/``tool``/``auto`` steps also take ``usage`` (overrides), ``finish_reason`` (e.g.
``"length"``) and ``refusal`` (a refusal text; the content is then null).

``reject_json_schema=True`` emulates llama.cpp's server: any request whose ``response_format`` is
of type ``json_schema`` gets HTTP 500 ``Unsupported response format`` without consuming a step;
function-calling requests proceed normally. Requests with ``stream: true`` get HTTP 400, unless
the server is made with ``streaming=True``: then an answer step goes out as server-sent events,
its text in small chunks a few milliseconds apart (and a usage chunk when the request asks for
one), and a client that hangs up midway is counted in ``hung_up``, with the chunks it got.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHAT_PATHS = ("/v1/chat/completions", "/chat/completions")
MODELS_PATHS = ("/v1/models", "/models")

_ERROR_DEFAULTS: dict[int, tuple[str, str, Any]] = {
    400: ("Bad request", "invalid_request_error", None),
    401: ("Incorrect API key provided", "invalid_request_error", "invalid_api_key"),
    404: ("Not found", "invalid_request_error", None),
    429: ("Rate limit reached for requests", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request", "server_error", None),
    502: ("Bad gateway", "server_error", None),
    503: ("The engine is currently overloaded, please try again later", "server_error", None),
}

LLAMA_CPP_REJECTION = {
    "error": {"code": 500, "message": "Unsupported response format", "type": "server_error"}
}


# -- step builders (optional sugar; steps are plain dicts) -------------------------------------


def json_step(content: dict | list | str, **extra: Any) -> dict:
    return {"kind": "json", "content": content, **extra}


def tool_step(arguments: dict | str, **extra: Any) -> dict:
    return {"kind": "tool", "arguments": arguments, **extra}


def auto_step(payload: dict | list | str, **extra: Any) -> dict:
    return {"kind": "auto", "payload": payload, **extra}


def status_step(code: int, body: dict | None = None, headers: dict | None = None) -> dict:
    step: dict[str, Any] = {"kind": "status", "code": code}
    if body is not None:
        step["body"] = body
    if headers is not None:
        step["headers"] = headers
    return step


def sleep_step(seconds: float, then: dict | None = None) -> dict:
    return {"kind": "sleep", "seconds": seconds, "then": then or auto_step({})}


def cut_step() -> dict:
    return {"kind": "cut"}


def raw_step(body: dict) -> dict:
    return {"kind": "raw", "body": body}


def recorded_step(path: str | os.PathLike[str]) -> dict:
    """The response of a recorded exchange (``{"request", "response", ...}`` JSON), replayed."""
    with open(path, encoding="utf-8") as f:
        return raw_step(json.load(f)["response"])


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FakeOpenAIServer

    def handle_error(self, request, client_address):  # noqa: D102 - quiet: clients hang up on purpose
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 10  # idle keep-alive connections end on their own

    def log_message(self, format, *args):  # noqa: A002 - never log (headers carry the API key)
        pass

    # -- plumbing --------------------------------------------------------------------------

    def _send_json(self, code: int, body: Any, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _read_body(self) -> tuple[Any, bytes]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return (json.loads(raw) if raw else None), raw
        except ValueError:
            return None, raw

    def _record(self, body: Any) -> None:
        owner = self.server.owner
        with owner._lock:
            owner._requests.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body,
                }
            )

    # -- routes ----------------------------------------------------------------------------

    def do_GET(self):  # noqa: N802
        path = self.path.split("?", 1)[0]
        self._record(None)
        if path in MODELS_PATHS:
            owner = self.server.owner
            self._send_json(
                200,
                {
                    "object": "list",
                    "data": [
                        {
                            "id": owner.model,
                            "object": "model",
                            "created": owner.created,
                            "owned_by": "briefing-tests",
                        }
                    ],
                },
            )
        else:
            self._send_json(404, _error_body(404, f"Unknown path {path}"))

    def do_POST(self):  # noqa: N802
        path = self.path.split("?", 1)[0]
        body, _raw = self._read_body()
        self._record(body)
        if path not in CHAT_PATHS:
            self._send_json(404, _error_body(404, f"Unknown path {path}"))
            return
        owner = self.server.owner
        with owner._lock:
            owner._calls += 1
        if not isinstance(body, dict):
            self._send_json(400, _error_body(400, "Request body is not a JSON object"))
            return
        if body.get("stream") and not owner.streaming:
            self._send_json(400, _error_body(400, "stream=true is not supported by this server"))
            return
        response_format = body.get("response_format")
        if (
            owner.reject_json_schema
            and isinstance(response_format, dict)
            and response_format.get("type") == "json_schema"
        ):
            self._send_json(500, LLAMA_CPP_REJECTION)
            return
        self._perform(owner._next_step(), body)

    def _send(self, completion: dict, request: dict) -> None:
        """A completion as one JSON body, or streamed when the request asks for a stream."""
        if not request.get("stream"):
            self._send_json(200, completion)
            return
        chunks = _stream_chunks(
            completion, bool((request.get("stream_options") or {}).get("include_usage"))
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        owner = self.server.owner
        sent = 0
        try:
            for chunk in chunks:
                self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
                self.wfile.flush()
                sent += 1
                if owner._stopping.wait(STREAM_PAUSE):
                    return
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except OSError:  # the client hung up
            with owner._lock:
                owner.hung_up.append((sent, len(chunks)))

    # -- steps -----------------------------------------------------------------------------

    def _perform(self, step: dict, request: dict) -> None:
        kind = step.get("kind")
        if kind == "sleep":
            if self.server.owner._stopping.wait(float(step.get("seconds", 0))):
                self.close_connection = True  # shutting down: drop the request
                return
            self._perform(step.get("then") or auto_step({}), request)
        elif kind == "status":
            code = int(step.get("code", 500))
            headers = dict(step.get("headers") or {})
            if code == 429 or code >= 500:
                headers.setdefault("retry-after", "0")
                headers.setdefault("retry-after-ms", "1")
            self._send_json(code, step.get("body") or _error_body(code), headers)
        elif kind == "raw":
            self._send(step["body"], request)
        elif kind == "cut":
            completion = _completion(request, content="{" + '"x": 1, ' * 64 + '"y": 2}')
            data = json.dumps(completion).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 3])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        elif kind in ("json", "tool", "auto"):
            if kind == "auto":
                kind = "tool" if request.get("tools") else "json"
                value = step.get("payload", {})
            else:
                value = step.get("content" if kind == "json" else "arguments", {})
            if callable(value):
                value = value(request)  # an answer computed from the request (e.g. its sentences)
            if kind == "tool":
                completion = _completion(request, arguments=_text(value), step=step)
            else:
                completion = _completion(request, content=_text(value), step=step)
            self._send(completion, request)
        else:
            self._send_json(500, _error_body(500, f"FakeOpenAIServer: unknown step kind {kind!r}"))


def _error_body(code: int, message: str | None = None) -> dict:
    default_message, type_, err_code = _ERROR_DEFAULTS.get(code, ("Error", "server_error", None))
    return {
        "error": {
            "message": message or default_message,
            "type": type_,
            "param": None,
            "code": err_code,
        }
    }


_ids = itertools.count(1)


def _completion(
    request: dict,
    *,
    content: str | None = None,
    arguments: str | None = None,
    step: dict | None = None,
) -> dict:
    step = step or {}
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
    finish_reason = "stop"
    produced = content or ""
    if arguments is not None:
        tools = request.get("tools") or []
        name = "tool"
        if tools:
            name = (tools[0].get("function") or {}).get("name") or name
        message["content"] = None
        message["tool_calls"] = [
            {
                "id": f"call_{next(_ids):06d}",
                "type": "function",
                "function": {"name": name, "arguments": arguments},
            }
        ]
        finish_reason = "tool_calls"
        produced = arguments
    if step.get("refusal"):
        message["content"] = None
        message["refusal"] = step["refusal"]
        produced = step["refusal"]
    finish_reason = step.get("finish_reason", finish_reason)
    prompt_tokens = len(json.dumps(request.get("messages", []))) // 4
    completion_tokens = len(produced) // 4
    usage = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
    usage.update(step.get("usage") or {})
    if "usage" in step and "total_tokens" not in step["usage"]:
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    return {
        "id": f"chatcmpl-fake{next(_ids):06d}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model") or "test-model",
        "system_fingerprint": "fp_fake",
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}
        ],
        "usage": usage,
    }


STREAM_PIECE = 24  # characters of text a streamed chunk carries
STREAM_PAUSE = 0.003  # seconds between streamed chunks, so a client can hang up midway


def _stream_chunks(completion: dict, with_usage: bool) -> list[dict]:
    """A completion as ``chat.completion.chunk`` events: role, text pieces, finish, usage."""
    choice = completion["choices"][0]
    message = choice["message"]
    base = {k: completion[k] for k in ("id", "created", "model", "system_fingerprint")}
    base["object"] = "chat.completion.chunk"

    def chunk(delta: dict, finish: str | None = None) -> dict:
        return dict(base, choices=[{"index": 0, "delta": delta, "finish_reason": finish}])

    out = [chunk({"role": "assistant", "content": ""})]
    calls = message.get("tool_calls") or []
    if calls:
        call = calls[0]
        args = call["function"]["arguments"]
        head = {"index": 0, "id": call["id"], "type": "function"}
        out.append(
            chunk(
                {
                    "tool_calls": [
                        dict(head, function={"name": call["function"]["name"], "arguments": ""})
                    ]
                }
            )
        )
        for i in range(0, len(args), STREAM_PIECE):
            piece = {"index": 0, "function": {"arguments": args[i : i + STREAM_PIECE]}}
            out.append(chunk({"tool_calls": [piece]}))
    else:
        text = message.get("content") or ""
        out += [
            chunk({"content": text[i : i + STREAM_PIECE]})
            for i in range(0, len(text), STREAM_PIECE)
        ]
    out.append(chunk({}, choice.get("finish_reason") or "stop"))
    if with_usage and completion.get("usage"):
        out.append(dict(base, choices=[], usage=completion["usage"]))
    return out


class FakeOpenAIServer:
    """Scripted OpenAI-compatible server on 127.0.0.1; use as a context manager.

    ``requests``: every request received, in order, as ``{"method", "path", "headers", "body"}``
    (header names lower-cased; ``body`` is the parsed JSON or None). ``bodies``: the chat
    completion request bodies only. ``calls``: how many chat-completion requests arrived
    (including rejected and failed ones).
    """

    def __init__(
        self,
        *,
        reject_json_schema: bool = False,
        default: dict | None = None,
        model: str = "test-model",
        streaming: bool = False,
    ) -> None:
        self.reject_json_schema = reject_json_schema
        self.streaming = streaming
        self.hung_up: list[tuple[int, int]] = []  # (chunks sent, chunks there were) per hang-up
        self.default: dict = default if default is not None else auto_step({})
        self.model = model
        self.created = int(time.time())
        self._lock = threading.Lock()
        self._queue: collections.deque[dict] = collections.deque()
        self._requests: list[dict] = []
        self._calls = 0
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeOpenAIServer:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- scripting and inspection ----------------------------------------------------------

    def script(self, *steps: dict) -> FakeOpenAIServer:
        """Enqueue steps, consumed one per chat-completion request; then ``default`` applies."""
        with self._lock:
            self._queue.extend(steps)
        return self

    def _next_step(self) -> dict:
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    @property
    def pending(self) -> int:
        """Scripted steps not yet consumed."""
        with self._lock:
            return len(self._queue)

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("FakeOpenAIServer is not running; use it as a context manager")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def requests(self) -> list[dict]:
        with self._lock:
            return list(self._requests)

    @property
    def bodies(self) -> list[dict]:
        with self._lock:
            return [
                r["body"]
                for r in self._requests
                if r["method"] == "POST" and r["path"].split("?", 1)[0] in CHAT_PATHS
            ]

    @property
    def calls(self) -> int:
        with self._lock:
            return self._calls


# The settings a run may pick up from the machine: a test of the model path names its own.
_SETTINGS_ENV = (
    "BRIEFING_BACKEND",
    "BRIEFING_MODEL",
    "OPENAI_BASE_URL",
    "BRIEFING_CONFIG",
    "BRIEFING_DEADLINE",
    "BRIEFING_HEADLINES",
)


def model_env(monkeypatch: Any, tmp_path: Any, key: str, *, headlines: bool = True) -> None:
    """A test's own model settings: its folder as the working directory (no ``briefing.toml``
    of the checkout), its API key and cache, nothing else from the environment. With
    ``headlines=False`` the brief asks no headlines call, for tests that count the
    extraction's calls."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache.sqlite"))
    for var in _SETTINGS_ENV:
        monkeypatch.delenv(var, raising=False)
    if not headlines:
        monkeypatch.setenv("BRIEFING_HEADLINES", "false")
