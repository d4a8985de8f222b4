"""Hosts: the default, and the two regional hosts of the 2026 spec that `region=` selects."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from message_media_messages import ConfigurationError, MessageMediaMessagesClient
from message_media_messages.configuration import Configuration
from message_media_messages.exceptions import TransportError

AU = "https://au.app.api.sinch.com"
EU = "https://eu.app.api.sinch.com"
DEFAULT = "https://api.messagemedia.com"


@pytest.mark.parametrize(
    ("region", "host"),
    [("au", AU), ("apac", AU), ("AU", AU), (" Apac ", AU), ("eu", EU), ("EU", EU), (None, DEFAULT)],
)
def test_region_selects_the_host(region: str | None, host: str) -> None:
    assert Configuration("k", "s", region=region).base_uri == host
    with MessageMediaMessagesClient("k", "s", region=region) as client:
        assert client.config.base_uri == host


def test_the_default_host_is_unchanged() -> None:
    assert Configuration().base_uri == DEFAULT
    assert MessageMediaMessagesClient("k", "s").config.base_uri == DEFAULT


def test_an_explicit_base_uri_wins_over_the_region() -> None:
    assert Configuration(region="eu", base_uri="http://127.0.0.1:9/").base_uri == "http://127.0.0.1:9"


@pytest.mark.parametrize("region", ["us", "", "europe", "api.messagemedia.com", 1])
def test_an_unknown_region_is_refused_naming_the_accepted_values(region: object) -> None:
    for make in (
        lambda: Configuration("k", "s", region=region),
        lambda: MessageMediaMessagesClient("k", "s", region=region),
        lambda: Configuration("k", "s", region=region, base_uri="http://127.0.0.1:9"),
    ):
        with pytest.raises(ConfigurationError) as caught:
            make()
        assert "'apac', 'au', 'eu'" in str(caught.value)
        assert repr(region) in str(caught.value)


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[str]]]:
    """A proxy on 127.0.0.1 that records each request line, then refuses the tunnel."""
    seen: list[str] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)  # so the thread sees `stop` (close() does not wake accept())
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(10)
                data = b""
                while b"\r\n\r\n" not in data and len(data) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                seen.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", seen
    stop.set()
    thread.join(timeout=10)
    listener.close()


@pytest.mark.parametrize(
    ("region", "host"), [("au", AU), ("apac", AU), ("eu", EU), (None, DEFAULT)]
)
def test_requests_go_to_the_selected_host(
    proxy: tuple[str, list[str]], region: str | None, host: str
) -> None:
    """The client opens its tunnel to the region's host (through a local proxy, so nothing
    leaves 127.0.0.1)."""
    proxy_url, seen = proxy
    client = MessageMediaMessagesClient(
        "k", "s", region=region, proxies={"https": proxy_url}, max_retries=0
    )
    with client, pytest.raises(TransportError):
        client.messages.check_credits_remaining()
    assert [line.rsplit(" ", 1)[0] for line in seen] == [f"CONNECT {host[8:]}:443"]
