"""Fetching links and feeds from a real local HTTP server: limits, redirects and refused addresses."""

import gzip
import ipaddress
import socket
import subprocess

import pytest

from articles.fetching import FEED_TYPES, FetchError, FetchLimits, _public, fetch
from tests.web import Reply, WebServer, page


def refused(url: str, **kwargs) -> str:
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    return str(caught.value)


def test_a_page_is_fetched_with_our_user_agent_and_its_caching_headers(web):
    web.routes["/story"] = Reply(page("Strike ends", "Workers returned."), headers={"ETag": '"v1"'})
    fetched = fetch(web.url("/story"))
    assert fetched.status == 200 and b"Workers returned." in fetched.body
    assert (fetched.url, fetched.content_type, fetched.charset, fetched.etag) == (
        web.url("/story"),
        "text/html",
        "utf-8",
        '"v1"',
    )
    assert web.requests[0][1]["User-Agent"].startswith("Verbatim/")


def test_a_conditional_get_that_finds_nothing_new_returns_no_body(web):
    def story(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(status=304, content_type="")
        return Reply(page("Strike ends", "Workers returned."), headers={"ETag": '"v1"'})

    web.routes["/story"] = story
    assert fetch(web.url("/story"), etag='"v1"').not_modified
    assert not fetch(web.url("/story"), etag='"v0"').not_modified


def test_redirects_are_followed_to_the_final_address(web):
    web.routes["/old"] = Reply(status=301, headers={"Location": "/new"})
    web.routes["/new"] = Reply(status=302, headers={"Location": web.url("/story")})
    web.routes["/story"] = Reply(page("Strike ends", "Workers returned."))
    assert fetch(web.url("/old")).url == web.url("/story")


def test_a_redirect_loop_and_too_many_redirects_are_named(web):
    web.routes["/a"] = Reply(status=302, headers={"Location": "/b"})
    web.routes["/b"] = Reply(status=302, headers={"Location": "/a"})
    assert refused(web.url("/a")) == f"redirect loop: {web.url('/a')} was reached twice"
    for hop in range(7):
        web.routes[f"/hop{hop}"] = Reply(status=307, headers={"Location": f"/hop{hop + 1}"})
    web.routes["/hop7"] = Reply(page("Strike ends", "Workers returned."))
    assert refused(web.url("/hop0")) == "too many redirects (more than 5)"
    assert fetch(web.url("/hop2")).url == web.url("/hop7")  # five hops are fine


def test_an_error_status_is_named_with_the_address(web):
    assert refused(web.url("/gone")) == f"the server answered 404 Not Found for {web.url('/gone')}"


def test_only_the_content_types_asked_for_are_read(web):
    web.routes["/paper.pdf"] = Reply(b"%PDF-1.7 ...", content_type="application/pdf")
    assert refused(web.url("/paper.pdf")) == "not a web page: the server sent application/pdf"
    web.routes["/feed"] = Reply(b"<rss/>", content_type="application/rss+xml")
    assert refused(web.url("/feed")) == "not a web page: the server sent application/rss+xml"
    assert fetch(web.url("/feed"), accept=FEED_TYPES).body == b"<rss/>"


def test_a_page_over_the_size_cap_is_refused_declared_or_not(web):
    limits = FetchLimits(max_bytes=10_000)
    web.routes["/big"] = Reply(b"<p>" + b"x" * 20_000 + b"</p>")
    assert refused(web.url("/big"), limits=limits) == "the page is too large: 20,007 bytes (limit 10,000)"
    # compressed small, large once unpacked: the cap counts what it unpacks to
    web.routes["/bomb"] = Reply(b"<p>" + b"x" * 200_000 + b"</p>", gzip=True)
    assert gzip.compress(b"x" * 200_000).__len__() < 10_000
    assert refused(web.url("/bomb"), limits=limits).startswith("the page is too large: more than ")


def test_a_server_that_does_not_answer_in_time_is_given_up(web):
    web.routes["/slow"] = Reply(page("Strike ends", "Workers returned."), delay=2)
    message = refused(web.url("/slow"), limits=FetchLimits(read_timeout=0.3))
    assert message == "127.0.0.1 accepted the connection but sent nothing for 0.3 s"


def test_unreachable_hosts_are_named(web):
    assert refused("http://no-such-host.invalid/story").startswith(
        "cannot find the host no-such-host.invalid:"
    )
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    assert refused(f"http://127.0.0.1:{port}/").startswith("cannot connect to 127.0.0.1:")


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a", "file:///etc/passwd", "http:///nohost", "javascript:x"]
)
def test_only_http_addresses_are_fetched(url):
    assert refused(url) == f"not an http(s) address: {url}"


def test_private_addresses_are_refused_unless_the_setting_allows_them(web, settings):
    web.routes["/story"] = Reply(page("Strike ends", "Workers returned."))
    settings.FETCH_ALLOWED_NETWORKS = []
    assert refused(web.url("/story")) == (
        "127.0.0.1 is a private, loopback or reserved address (127.0.0.1): not fetched"
    )
    assert refused("http://localhost:9/").startswith("localhost is a private, loopback or reserved address")
    assert not web.requests  # refused before anything was sent


def test_a_redirect_to_a_private_address_is_refused(web):
    """Each hop is checked: an allowed page may not send the fetcher on to the cloud's metadata service."""
    web.routes["/out"] = Reply(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    assert refused(web.url("/out")) == (
        "169.254.169.254 is a private, loopback or reserved address (169.254.169.254): not fetched"
    )


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4 loopback written as IPv6
    ],
)
def test_which_addresses_count_as_public(address, public):
    assert _public(address) is public


def test_a_certificate_that_is_not_trusted_is_refused(tmp_path, settings):
    """The connection goes to the checked address, but the certificate is still verified (here: self-signed)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    settings.FETCH_ALLOWED_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    server = WebServer(certificate=(str(cert), str(key))).start()
    try:
        server.routes["/story"] = Reply(page("Strike ends", "Workers returned."))
        message = refused(server.url("/story"))
        assert message.startswith("secure connection to 127.0.0.1 failed: ") and "certificate" in message
        assert not server.requests
    finally:
        server.stop()
