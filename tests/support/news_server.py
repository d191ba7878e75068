"""A loopback web server of news pages and feeds for tests (not a test module).

It listens on 127.0.0.1 only, on a port the OS chooses, and answers each path from a script:
a list of answers, one per request, the last repeated. It counts every request by path, so a
test can say that a URL was never asked for::

    with NewsServer() as site:
        site.route("/story", page("<html>...</html>"))
        site.route("/busy", status(503), status(503), page("..."))
        site.route("/slow", page("...", delay=5))
        fetch(site.url("/story"))
        assert site.hits("/story") == 1 and site.hits("/never") == 0

Answers are chosen, and requests counted, by path; the query is ignored. An unscripted path is
a 404 (and still counted). A delayed answer ends early when the server
stops, so no test waits for it.
"""

from __future__ import annotations

import collections
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the headers are sent
    chunked: bool = False  # sent in chunks, with no Content-Length


def page(html: str | bytes, *, ctype: str = "text/html; charset=utf-8", **kw) -> Answer:
    body = html.encode("utf-8") if isinstance(html, str) else html
    return Answer(200, body, {"Content-Type": ctype}, **kw)


def feed(xml: str, *, ctype: str = "application/rss+xml; charset=utf-8") -> Answer:
    return Answer(200, xml.encode("utf-8"), {"Content-Type": ctype})


def status(code: int, headers: dict[str, str] | None = None) -> Answer:
    return Answer(
        code, f"status {code}".encode(), {"Content-Type": "text/plain", **(headers or {})}
    )


def redirect(location: str, code: int = 302) -> Answer:
    return Answer(code, b"", {"Location": location})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # clients hang up on purpose (timeouts)
        pass


class NewsServer:
    """The server; ``url(path)`` is the address of a path on it."""

    def __init__(self) -> None:
        self._routes: dict[str, list[Answer]] = {}
        self._hits: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.user_agents: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests being answered at once
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - quiet
                pass

            def do_GET(self):  # noqa: N802
                path = self.path.split("?", 1)[0]  # the query does not choose the answer
                answer = owner._next(path, self.headers.get("User-Agent", ""))
                try:
                    if answer.delay and owner._stopping.wait(answer.delay):
                        return
                    self._answer(answer)
                finally:
                    with owner._lock:
                        owner.in_flight -= 1

            def _answer(self, answer: Answer) -> None:
                try:
                    self.send_response(answer.status)
                    for k, v in answer.headers.items():
                        self.send_header(k, v)
                    if answer.chunked:
                        self.send_header("Transfer-Encoding", "chunked")
                    else:
                        self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    if not answer.chunked:
                        self.wfile.write(answer.body)
                        return
                    for i in range(0, len(answer.body), 1024):
                        piece = answer.body[i : i + 1024]
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._thread: threading.Thread | None = None

    def route(self, path: str, *answers: Answer) -> NewsServer:
        with self._lock:
            self._routes[path] = list(answers)
        return self

    def _next(self, path: str, agent: str) -> Answer:
        with self._lock:
            self._hits[path] += 1
            self.user_agents.append(agent)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            script = self._routes.get(path)
            if not script:
                return status(404)
            return script.pop(0) if len(script) > 1 else script[0]

    def hits(self, path: str) -> int:
        with self._lock:
            return self._hits[path]

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._hits.values())

    def url(self, path: str) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def start(self) -> NewsServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> NewsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
