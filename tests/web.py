"""A real HTTP server on 127.0.0.1 for tests of links and feeds: each path answers what the test sets."""

import gzip
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the first byte
    gzip: bool = False


Route = Reply | Callable[[BaseHTTPRequestHandler], Reply]


class WebServer:
    def __init__(self, *, certificate: tuple[str, str] | None = None) -> None:
        """`certificate`: (cert file, key file) to serve HTTPS."""
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers) of every request
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                reply = route(self) if callable(route) else route
                if reply is None:
                    reply = Reply(b"<html><body><p>Not here.</p></body></html>", status=404)
                if reply.delay:
                    time.sleep(reply.delay)
                body = gzip.compress(reply.body) if reply.gzip else reply.body
                try:
                    self.send_response(reply.status)
                    if reply.content_type:
                        self.send_header("Content-Type", reply.content_type)
                    if reply.gzip:
                        self.send_header("Content-Encoding", "gzip")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a size cap): fine
                    pass

            def log_message(self, format: str, *args) -> None:  # keep test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.scheme = "http"
        if certificate:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*certificate)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> "WebServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def page(title: str, *paragraphs: str, published: str = "2024-03-05") -> bytes:
    """A news page as outlets publish them: metadata in the head, the story in an <article>."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head>"
        f'<meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:title" content="{title}">'
        '<meta property="og:site_name" content="Harbour Gazette">'
        f'<meta property="article:published_time" content="{published}T09:00:00+01:00">'
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        "<footer>© Harbour Gazette</footer></body></html>"
    ).encode()
