"""A fake upstream for the fetchers: a real HTTP server on 127.0.0.1, in a thread.

Routes map a path (and, optionally, query parameters it must carry) to replies;
a route's replies are served in order and the last one repeats, so "503, then
200" is ``upstream.route("/x", Reply(503), Reply(200, body))``. Each reply can
wait before answering (time-outs) or send less body than its Content-Length
announces and close the connection (a truncated response). Every request is
recorded (path, query, headers) for the tests to check what was asked, and how.
Responses come from tests/fixtures/ in the services' wire formats.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    truncate: int | None = None  # send only this many bytes of the body, then close
    chunked: bool = False  # no Content-Length: the body streams in chunks


def github_reply(name: str, *, headers: str | None = None) -> Reply:
    """A GitHub fixture: ``github/NAME.json`` with the status and headers of
    ``github/NAME.headers.json`` (or of ``github/HEADERS.headers.json``)."""
    meta = json.loads(fixture(f"github/{headers or name}.headers.json"))
    body = b"" if meta["status"] == 304 else fixture(f"github/{name}.json")
    return Reply(meta["status"], body, meta["headers"])


@dataclass
class Request:
    path: str
    query: dict
    headers: dict


class Upstream:
    def __init__(self):
        self.routes: list[tuple[str, dict, list[Reply]]] = []
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                upstream.answer(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def reset(self):
        with self.lock:
            self.routes.clear()
            self.requests.clear()

    def route(self, path: str, *replies: Reply, query: dict | None = None) -> None:
        """Serve ``replies`` (in order, the last repeating) for GETs of ``path`` whose query
        has every item of ``query``. Later routes win over earlier ones."""
        with self.lock:
            self.routes.insert(0, (path, query or {}, list(replies)))

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(parts.query).items()}
        with self.lock:
            self.requests.append(Request(parts.path, query, dict(handler.headers.items())))
            reply = None
            for path, wanted, replies in self.routes:
                if path == parts.path and all(query.get(k) == v for k, v in wanted.items()):
                    reply = replies.pop(0) if len(replies) > 1 else replies[0]
                    break
        if reply is None:
            reply = Reply(404, b'{"message": "no such route in the fake upstream"}')
        if reply.delay:
            time.sleep(reply.delay)
        try:
            handler.send_response(reply.status)
            for name, value in reply.headers.items():
                if name.lower() not in {"content-length", "transfer-encoding"}:
                    handler.send_header(name, value)
            if reply.chunked:
                handler.send_header("Transfer-Encoding", "chunked")
                handler.end_headers()
                for start in range(0, len(reply.body), 4096):
                    piece = reply.body[start : start + 4096]
                    handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                handler.wfile.write(b"0\r\n\r\n")
                return
            handler.send_header("Content-Length", str(len(reply.body)))
            if reply.truncate is not None:
                handler.send_header("Connection", "close")
            handler.end_headers()
            if reply.status != 304:
                body = reply.body if reply.truncate is None else reply.body[: reply.truncate]
                handler.wfile.write(body)
            if reply.truncate is not None:
                handler.wfile.flush()
                handler.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a time-out test)
