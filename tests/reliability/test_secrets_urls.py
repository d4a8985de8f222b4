"""Issue 8 items 15 and 16: URL passwords never shown; plain HTTP off this machine warns.

Item 15: a password in a base URI's or a proxy URL's userinfo appears in no repr, error
text, pickle or log line (`https://user:***@host`). Item 16: a non-loopback `http://`
base URI warns exactly as `verify=False` does; loopback (the sandbox) stays silent.
"""

from __future__ import annotations

import logging
import pickle
import warnings
from collections.abc import Iterator

import pytest
from async_bridge import FLAVOURS, bridged_client
from secrets_helpers import KEY, SECRET, UNKNOWN_ID, leaks, log_texts

from message_media_messages import (
    APIConnectionError,
    ConfigurationError,
    MessageMediaMessagesClient,
    NotFoundError,
)
from message_media_messages.configuration import Configuration
from message_media_messages.sandbox import SandboxServer

URL_PASSWORD = "url-PASSWORD-5521"
PROXY_PASSWORD = "proxy-PASSWORD-8830"
TAIL = "anyone on the network path can read and change requests"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        server.add_account(KEY, SECRET)
        yield server


BUILDERS = {"sync": MessageMediaMessagesClient, "async": bridged_client}


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_passwords_in_base_and_proxy_urls_are_shown_nowhere(sandbox, caplog, flavour):
    caplog.set_level(logging.DEBUG, logger="message_media_messages")
    base = sandbox.url.replace("http://", f"http://deploy:{URL_PASSWORD}@")
    proxies = {"https": f"http://squid:{PROXY_PASSWORD}@proxy.example.com:3128"}  # unused: http
    client = BUILDERS[flavour](KEY, SECRET, base_uri=base, proxies=proxies)
    with client, pytest.raises(NotFoundError) as caught:
        assert client.messages.check_credits_remaining()  # the client works as configured
        client.messages.get_message_status(UNKNOWN_ID)
    err, config = caught.value, client.config
    assert config.base_uri == base and config.proxies == proxies  # the real values are kept
    shown = [repr(client), str(client), repr(config), str(config)]
    assert "deploy:***@127.0.0.1" in shown[0] and "squid:***@proxy.example.com" in shown[2]
    request = err.context.request
    assert request.query_url.startswith("http://deploy:***@127.0.0.1")
    texts = [*shown, str(err), repr(err), repr(err.context), request.query_url, pickle.dumps(err)]
    texts += log_texts(caplog.records)
    assert leaks({URL_PASSWORD, PROXY_PASSWORD}, texts) == []


def test_a_refused_base_uri_does_not_echo_its_password():
    with pytest.raises(ConfigurationError, match=r"ftp://ops:\*\*\*@files.example.com") as caught:
        Configuration(KEY, SECRET, base_uri=f"ftp://ops:{URL_PASSWORD}@files.example.com")
    assert leaks({URL_PASSWORD}, [str(caught.value), repr(caught.value)]) == []


@pytest.mark.parametrize(
    "tail",
    ["h.example:99999", "h.example:port", "[zz]", " h.example", "[::1", "h.example\r\n", "h:0"],
)
def test_a_base_uri_urllib3_cannot_parse_is_a_configuration_error_without_its_password(tail):
    # A bad port, host or IPv6 literal (or a stray CRLF) once escaped as urllib3's
    # LocationParseError or a ValueError, quoting the whole URL, password included.
    uri = f"http://user:{URL_PASSWORD}@{tail}"
    with pytest.raises(ConfigurationError) as caught:
        MessageMediaMessagesClient(KEY, SECRET, base_uri=uri)
    assert URL_PASSWORD not in str(caught.value) and "user:***@" in str(caught.value)


@pytest.mark.parametrize("tail", ["h.example:99999", "h.example:port", " h.example", "[zz]"])
@pytest.mark.parametrize("from_environment", [False, True])
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_proxy_urllib3_cannot_use_is_a_configuration_error_without_its_password(
    tail, from_environment, monkeypatch, flavour
):
    # urllib3 raised LocationParseError or ValueError, quoting the proxy URL's password.
    proxy = f"http://user:{PROXY_PASSWORD}@{tail}"
    for name in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    if from_environment:
        monkeypatch.setenv("HTTPS_PROXY", proxy)
    settings = {} if from_environment else {"proxies": {"https": proxy}}
    with pytest.raises(ConfigurationError) as caught:
        BUILDERS[flavour](KEY, SECRET, base_uri="https://api.example.com", **settings)
    assert PROXY_PASSWORD not in str(caught.value) and "user:***@" in str(caught.value)


def test_transport_error_texts_redact_a_quoted_proxy_url():
    err = APIConnectionError(
        f"could not connect: proxy http://squid:{PROXY_PASSWORD}@10.0.0.9:3128 refused",
        method="GET", path="/v1/replies", maybe_sent=False,
    )  # fmt: skip
    assert "http://squid:***@10.0.0.9:3128" in str(err)
    assert leaks({PROXY_PASSWORD}, [str(err), repr(err), err.reason, pickle.dumps(err)]) == []


def _warnings_of(**settings: object) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        MessageMediaMessagesClient(KEY, SECRET, **settings).close()
    return list(caught)


@pytest.mark.parametrize(
    "base_uri",
    ["http://api.messagemedia.com", "http://10.1.2.3:8080/api", "http://[2001:db8::1]/",
     "http://[::ffff:8.8.8.8]", "http://127.0.0.1.example.com", "http://localhost.example.com"],
)  # fmt: skip
def test_plain_http_off_this_machine_warns_as_verify_false_does(base_uri):
    [plain] = _warnings_of(base_uri=base_uri)
    [no_verify] = _warnings_of(base_uri="https://api.messagemedia.com", verify=False)
    assert plain.category is no_verify.category is UserWarning
    assert "plain HTTP" in str(plain.message) and TAIL in str(plain.message)
    assert TAIL in str(no_verify.message)
    assert plain.filename == no_verify.filename == __file__  # both point at the caller


def test_the_warning_names_the_host_but_never_a_password():
    [plain] = _warnings_of(base_uri=f"http://ops:{URL_PASSWORD}@api.example.com/")
    assert "api.example.com" in str(plain.message) and URL_PASSWORD not in str(plain.message)


@pytest.mark.parametrize(
    "base_uri",
    ["http://127.0.0.1:9", "http://127.8.9.10", "http://[::1]:8080", "http://localhost:1",
     "http://LOCALHOST.", "http://api.localhost", "http://[::ffff:127.0.0.1]",
     "https://api.messagemedia.com"],
)  # fmt: skip
def test_loopback_and_https_stay_silent(base_uri):
    assert _warnings_of(base_uri=base_uri) == []


def test_the_sandbox_stays_silent_end_to_end(sandbox):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        with MessageMediaMessagesClient.from_env(
            {"MESSAGEMEDIA_API_KEY": KEY, "MESSAGEMEDIA_API_SECRET": SECRET,
             "MESSAGEMEDIA_BASE_URL": sandbox.url}
        ) as client:  # fmt: skip
            assert client.messages.check_credits_remaining()
