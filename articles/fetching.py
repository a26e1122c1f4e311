"""Fetching web pages and feeds over HTTP, safely: nothing here touches the database.

A link comes from an admin, a feed item from a feed's publisher: either may point anywhere, so every request
is checked before it is sent. Only http(s); the host's addresses are resolved here and every one must be a
public address (no loopback, private, link-local or reserved ones: server-side request forgery) or in
`settings.FETCH_ALLOWED_NETWORKS` (an intranet; tests serve pages from 127.0.0.1); the connection goes to the
address that was checked, so a second DNS answer cannot swap it. Redirects are followed by hand, each hop checked the
same way, at most `max_redirects`. The body is read in chunks up to `max_bytes` (decompressed), under a
deadline for the whole fetch, and only of the content types asked for.

Every failure is a FetchError whose message says in one sentence what went wrong, for the admin to read.
"""

import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from email.message import Message
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings

from articles.sources import Source, SourceError, read_page

__all__ = [
    "FEED_TYPES",
    "PAGE_TYPES",
    "FetchError",
    "FetchLimits",
    "Fetched",
    "fetch",
    "is_link",
    "read_link",
]

USER_AGENT = "Verbatim/0.1 (compares how news outlets quoted a statement; fetches pages an admin asked for)"
PAGE_TYPES = ("text/html", "application/xhtml+xml")
# Feeds are served under many types; what is not a feed is told by the feed reader, not by the header.
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/x-rss+xml",
    "text/plain",
    "text/html",  # some servers label every file so; feedparser still reads an RSS document
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = 5 * 1024 * 1024  # a news page is rarely 1 MB; its text far less
    connect_timeout: float = 5.0
    read_timeout: float = 15.0  # between two reads from the socket
    deadline: float = 30.0  # the whole fetch, redirects included: a server that drips bytes is cut off
    max_redirects: int = 5


@dataclass(frozen=True)
class Fetched:
    url: str  # where the body came from, after redirects
    status: int  # 200, or 304 when a conditional request found nothing new
    body: bytes
    content_type: str  # the media type alone, lower case ("text/html")
    charset: str | None
    etag: str
    last_modified: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(reason)
        self.url, self.reason = url, reason

    def __str__(self) -> str:
        return self.reason


def is_link(value: str) -> bool:
    """A string an admin gave that is meant as a web address (not a file name)."""
    return value.strip().lower().startswith(("http://", "https://"))


def read_link(url: str, *, limits: FetchLimits = FetchLimits()) -> Iterator[Source | SourceError]:
    """A link's page as an article source, named by the link as given (fetching it again later updates that
    article); its `url` is where the link led, after redirects."""
    try:
        fetched = fetch(url, limits=limits)
    except FetchError as error:
        yield SourceError(url, error.reason)
        return
    for item in read_page(url, fetched.body, charset=fetched.charset):
        if isinstance(item, Source):
            yield replace(item, source_name=url, url=fetched.url)
        else:
            yield replace(item, source_name=url)


def fetch(
    url: str,
    *,
    accept: tuple[str, ...] = PAGE_TYPES,
    etag: str = "",
    last_modified: str = "",
    limits: FetchLimits = FetchLimits(),
) -> Fetched:
    """GET `url` (a conditional GET when `etag` or `last_modified` is given). Raises FetchError."""
    started = time.monotonic()
    seen: list[str] = []
    current = url.strip()
    while True:
        if current in seen:
            raise FetchError(url, f"redirect loop: {current} was reached twice")
        if len(seen) > limits.max_redirects:
            raise FetchError(url, f"too many redirects (more than {limits.max_redirects})")
        if time.monotonic() - started > limits.deadline:
            raise FetchError(url, f"the page took longer than {limits.deadline:g} s to arrive")
        seen.append(current)
        pool, response = _request(
            current, accept=accept, etag=etag, last_modified=last_modified, limits=limits
        )
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(url, f"the server answered {response.status} without saying where to go")
                current = urljoin(current, location.strip())
                continue
            return _result(url, current, response, accept=accept, limits=limits, started=started)
        finally:
            response.release_conn()
            pool.close()


def _result(
    url: str,
    current: str,
    response: urllib3.BaseHTTPResponse,
    *,
    accept: tuple[str, ...],
    limits: FetchLimits,
    started: float,
) -> Fetched:
    headers = response.headers
    media_type, charset = _content_type(headers.get("Content-Type", ""))
    common = {
        "url": current,
        "content_type": media_type,
        "charset": charset,
        "etag": headers.get("ETag", "")[:500],
        "last_modified": headers.get("Last-Modified", "")[:100],
    }
    if response.status == 304:
        return Fetched(status=304, body=b"", **common)
    if response.status != 200:
        reason = f" {response.reason}" if response.reason else ""
        raise FetchError(url, f"the server answered {response.status}{reason} for {current}")
    if media_type not in accept:
        shown = media_type or "no content type"
        raise FetchError(url, f"not a {_wanted(accept)}: the server sent {shown}")
    declared = headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(url, _too_big(int(declared), limits))
    body = bytearray()
    try:
        for chunk in response.stream(64 * 1024, decode_content=True):
            body += chunk
            if len(body) > limits.max_bytes:
                raise FetchError(url, _too_big(len(body), limits, at_least=True))
            if time.monotonic() - started > limits.deadline:
                raise FetchError(url, f"the page took longer than {limits.deadline:g} s to arrive")
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise FetchError(url, f"the connection broke while reading: {_reason(error)}") from None
    return Fetched(status=200, body=bytes(body), **common)


def _wanted(accept: tuple[str, ...]) -> str:
    return "web page" if accept == PAGE_TYPES else "feed" if accept == FEED_TYPES else " or ".join(accept)


def _too_big(size: int, limits: FetchLimits, *, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return f"the page is too large: {more}{size:,} bytes (limit {limits.max_bytes:,})"


def _content_type(value: str) -> tuple[str, str | None]:
    message = Message()
    message["Content-Type"] = value
    charset = message.get_param("charset")
    return message.get_content_type() if value else "", charset if isinstance(charset, str) else None


def _request(
    url: str, *, accept: tuple[str, ...], etag: str, last_modified: str, limits: FetchLimits
) -> tuple[urllib3.HTTPConnectionPool, urllib3.BaseHTTPResponse]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError(url, f"not an http(s) address: {url}")
    host = parts.hostname
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchError(url, f"not a valid port in {url}") from None
    address = _checked_address(url, host, port)
    timeout = urllib3.Timeout(connect=limits.connect_timeout, read=limits.read_timeout)
    pool: urllib3.HTTPConnectionPool
    if scheme == "https":
        # The socket goes to the checked address; the certificate must still name the host asked for.
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            server_hostname=host,
            assert_hostname=host,
            ssl_context=ssl.create_default_context(),
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    headers = {
        "Host": parts.netloc.rsplit("@", 1)[-1],
        "User-Agent": USER_AGENT,
        "Accept": ", ".join(accept) + ", */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        return pool, pool.urlopen(
            "GET", target, headers=headers, redirect=False, retries=False, preload_content=False
        )
    except (urllib3.exceptions.HTTPError, OSError) as error:
        pool.close()
        raise _failure(url, host, port, error, limits) from None


def _failure(url: str, host: str, port: int, error: Exception, limits: FetchLimits) -> FetchError:
    # NewConnectionError is a subclass of ConnectTimeoutError: it is asked first.
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return FetchError(url, f"cannot connect to {host}:{port}: {_reason(error)}")
    if isinstance(error, urllib3.exceptions.ConnectTimeoutError):
        return FetchError(url, f"{host} did not answer within {limits.connect_timeout:g} s")
    if isinstance(error, urllib3.exceptions.ReadTimeoutError):
        return FetchError(
            url, f"{host} accepted the connection but sent nothing for {limits.read_timeout:g} s"
        )
    if isinstance(error, urllib3.exceptions.SSLError):
        return FetchError(url, f"secure connection to {host} failed: {_reason(error)}")
    return FetchError(url, f"cannot connect to {host}: {_reason(error)}")


def _checked_address(url: str, host: str, port: int) -> str:
    """The address to connect to: every address the host has must be allowed (a host with one public and one
    private address could be answered either way)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(url, f"cannot find the host {host}: {_reason(error)}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchError(url, f"cannot find the host {host}: no address")
    for address in addresses:
        if not _public(address) and not _allowed(address):
            raise FetchError(
                url, f"{host} is a private, loopback or reserved address ({address}): not fetched"
            )
    return addresses[0]


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip


def _public(address: str) -> bool:
    ip = _ip(address)
    return ip.is_global and not ip.is_multicast


def _allowed(address: str) -> bool:
    ip = _ip(address)
    return any(ip in network for network in settings.FETCH_ALLOWED_NETWORKS)


def _reason(error: BaseException) -> str:
    """The innermost cause of a network error, in words (urllib3 wraps the socket's error twice)."""
    while getattr(error, "reason", None) is not None and isinstance(error.reason, BaseException):
        error = error.reason
    text = getattr(error, "strerror", None) or str(error)
    return text.split(": ", 1)[-1] if "object at 0x" in text else text
