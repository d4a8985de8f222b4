"""What loads when: importing the client, making one, `messagemedia --help` (module sets only)."""

import json
import subprocess
import sys

import pytest

PKG = "message_media_messages"
# Loaded with the first controller that needs them (models, validation), or never by a send.
HEAVY = [
    f"{PKG}.models._base",
    f"{PKG}.models.message",
    f"{PKG}.models.send_messages_response",
    f"{PKG}._validation",
    f"{PKG}._rules",
    f"{PKG}.controllers.messages_controller",
    f"{PKG}.batch",
    f"{PKG}.sandbox",
]


def loaded_after(code: str) -> dict[str, bool]:
    """HEAVY, requests, the client module: whether a fresh process running `code` has it."""
    names = [*HEAVY, "requests", f"{PKG}.message_media_messages_client"]
    report = f"print(json.dumps({{n: n in sys.modules for n in {names!r}}}))"
    probe = f"{code}\nimport json, sys\n{report}"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.splitlines()[-1])


def test_importing_the_client_loads_no_model_validation_batch_or_sandbox_module():
    loaded = loaded_after(f"from {PKG} import MessageMediaMessagesClient")
    assert loaded.pop("requests") and loaded.pop(f"{PKG}.message_media_messages_client")
    assert loaded == dict.fromkeys(HEAVY, False)


def test_models_and_validation_load_with_the_first_controller_that_needs_them():
    made = loaded_after(
        f"from {PKG} import MessageMediaMessagesClient\n"
        "client = MessageMediaMessagesClient('key', 'secret')"
    )
    assert not made[f"{PKG}.models.message"] and not made[f"{PKG}._validation"]
    used = loaded_after(
        f"from {PKG} import MessageMediaMessagesClient\n"
        "MessageMediaMessagesClient('key', 'secret').messages"
    )
    assert used[f"{PKG}.models.message"] and used[f"{PKG}._validation"]
    assert not used[f"{PKG}.sandbox"] and not used[f"{PKG}.batch"]


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["send", "--help"]])
def test_cli_help_loads_neither_the_client_nor_the_sandbox(argv):
    loaded = loaded_after(
        f"import contextlib, io\nfrom {PKG}.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    assert main({argv!r}) == 0"
    )
    assert not any(loaded.values()), [name for name, yes in loaded.items() if yes]


def test_the_sandbox_command_loads_the_sandbox_and_not_the_client():
    loaded = loaded_after(
        f"import contextlib, io\nfrom {PKG}.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    assert main(['sandbox', '-h']) == 0"
    )
    assert loaded[f"{PKG}.sandbox"]
    assert not loaded["requests"] and not loaded[f"{PKG}.message_media_messages_client"]


STDLIB_HEAVY = "print(*sorted({'dataclasses', 'inspect'} & set(sys.modules)))"


def heavy_after(statement: str) -> list[str]:
    """Which of dataclasses and inspect a fresh interpreter has loaded after `statement`."""
    probe = f"import sys\n{statement}\n{STDLIB_HEAVY}"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_importing_the_client_loads_no_more_of_dataclasses_and_inspect_than_requests_does():
    # On 3.10-3.12 requests loads neither; on 3.13 it loads inspect itself. The client's import
    # must add neither to what `import requests` costs.
    client = heavy_after(f"from {PKG} import MessageMediaMessagesClient\nimport requests")
    assert client == heavy_after("import requests")
    assert "dataclasses" not in client
    assert heavy_after(f"import {PKG}.models.message") == ["dataclasses", "inspect"]  # can fail


def test_the_wsgi_receiver_loads_neither_asyncio_nor_the_asgi_receiver():
    probe = (
        f"import sys\nfrom {PKG}.webhooks import make_wsgi_app, verify_signature\n"
        f"print('asyncio' in sys.modules, '{PKG}.webhooks._asgi' in sys.modules)\n"
        f"from {PKG}.webhooks import make_asgi_app\n"
        f"print('asyncio' in sys.modules, '{PKG}.webhooks._asgi' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "True", "True"]


def test_importing_webhooks_loads_no_receiver_and_no_cryptography():
    probe = (
        f"import sys, {PKG}.webhooks as w\nnames = dir(w)\n"
        "print('make_asgi_app' in names, sorted(m for m in sys.modules if '._' in m and "
        f"m.startswith('{PKG}.webhooks') or m.startswith('cryptography')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "[]"]


def has_loaded(statement: str, names: list[str]) -> dict[str, bool]:
    """Which of `names` a fresh interpreter has loaded after `statement`."""
    report = f"print(json.dumps({{n: n in sys.modules for n in {names!r}}}))"
    probe = f"import json, sys\n{statement}\n{report}"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


ASYNC_STACK = ["httpx", "anyio", "httpcore", f"{PKG}.http._async_transport"]


@pytest.mark.parametrize(
    "statement",
    [
        f"import {PKG}",
        f"from {PKG} import MessageMediaMessagesClient",
        f"from {PKG} import MessageMediaMessagesClient\n"
        "MessageMediaMessagesClient('k', 's').messages",
        f"import {PKG}; dir({PKG})",
    ],
)
def test_nothing_sync_loads_httpx(statement):
    assert has_loaded(statement, ASYNC_STACK) == dict.fromkeys(ASYNC_STACK, False)


def test_importing_the_async_client_loads_neither_httpx_nor_requests_until_one_is_made():
    names = [*ASYNC_STACK, "requests", f"{PKG}.models.message"]
    imported = has_loaded(f"from {PKG} import AsyncMessageMediaMessagesClient", names)
    assert imported == dict.fromkeys(names, False)
    made = has_loaded(
        f"from {PKG} import AsyncMessageMediaMessagesClient\n"
        "AsyncMessageMediaMessagesClient('k', 's').messages",
        names,
    )
    assert made["httpx"] and made[f"{PKG}.http._async_transport"] and made[f"{PKG}.models.message"]
    assert not made["requests"]  # the async client never loads the sync transport
