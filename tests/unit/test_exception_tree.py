"""One exception tree: every SDK error has a public name, and the drawing in the exceptions
module's docstring is the real class hierarchy (so it cannot go stale)."""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re

import pytest

import message_media_messages
from message_media_messages import exceptions
from message_media_messages.exceptions import MessageMediaError, api_exception

PACKAGE = message_media_messages.__name__
LINE = re.compile(r"(?P<lead>[ |]*)(?:\+-- )?(?P<name>\w+)(?: \(also (?P<also>[^)]+)\))?")


def every_error_class() -> list[type[MessageMediaError]]:
    """Every subclass of the root defined in the package (each module imported first)."""
    for module in pkgutil.walk_packages(message_media_messages.__path__, f"{PACKAGE}."):
        importlib.import_module(module.name)
    found: set[type[MessageMediaError]] = set()
    todo = [MessageMediaError]
    while todo:
        cls = todo.pop()
        if cls not in found and cls.__module__.startswith(PACKAGE):
            found.add(cls)
            todo.extend(cls.__subclasses__())
    return sorted(found, key=ident)


def ident(cls: type) -> str:
    """Where a class says it lives, and its bases (the transport's subclasses share a name)."""
    return f"{cls.__module__}.{cls.__qualname__}({', '.join(map(display, cls.__bases__))})"


def named(cls: type) -> type:
    """The class that `cls.__module__` and `cls.__qualname__` name, imported by that path."""
    return functools.reduce(
        getattr, cls.__qualname__.split("."), importlib.import_module(cls.__module__)
    )


def display(base: type) -> str:
    return (
        base.__qualname__
        if base.__module__ == "builtins"
        else f"{base.__module__}.{base.__qualname__}"
    )


ERRORS = every_error_class()


def real_tree() -> dict[str, tuple[str | None, frozenset[str]]]:
    """name -> (SDK parent's name, the extra exception bases worth naming), as the classes say.

    The transport's requests-compatible subclasses show as their public parent (see
    `http.transport._Public`): their extra bases are drawn on that parent's line.
    """
    tree: dict[str, tuple[str | None, set[str]]] = {}
    for cls in sorted(ERRORS, key=lambda c: named(c) is not c):  # public classes first
        shown = named(cls)
        sdk = [b for b in cls.__bases__ if issubclass(b, MessageMediaError)]
        extra = {
            display(b)
            for b in cls.__bases__
            if issubclass(b, BaseException) and b is not Exception and b not in sdk
        }
        if shown is cls:
            assert len(sdk) == (0 if cls is MessageMediaError else 1), cls
            parent = sdk[0].__name__ if sdk else None
            tree[cls.__name__] = (parent, extra)
        else:
            assert sdk == [shown], cls  # a specialisation directly under the class it shows as
            tree[shown.__name__][1].update(extra)
    return {name: (parent, frozenset(extra)) for name, (parent, extra) in tree.items()}


def drawn_tree(doc: str) -> dict[str, tuple[str | None, frozenset[str]]]:
    """name -> (parent's name, the names after "also"), as the docstring's drawing says."""
    lines = doc.split("\n")
    start = lines.index("    MessageMediaError")
    end = lines.index("", start)
    tree: dict[str, tuple[str | None, frozenset[str]]] = {}
    parents: list[str] = []
    for line in lines[start:end]:
        match = LINE.fullmatch(line)
        assert match, f"not a line of the drawing: {line!r}"
        offset = match.start("name") - 4
        assert offset % 4 == 0, f"misaligned: {line!r}"
        depth = offset // 4
        assert depth <= len(parents), f"indented too far: {line!r}"
        name = match["name"]
        assert name not in tree, f"{name} drawn twice"
        del parents[depth:]
        tree[name] = (parents[-1] if parents else None, also(match["also"]))
        parents.append(name)
    return tree


def also(text: str | None) -> frozenset[str]:
    """`requests.exceptions.A or B` -> both full names (a bare name after a dotted one
    shares its module); a bare name first is a builtin."""
    names, module = set(), ""
    for word in re.split(r", | or ", text or ""):
        if "." in word:
            module = word.rpartition(".")[0]
        names.add(word if "." in word or not module else f"{module}.{word}")
    return frozenset(names - {""})


@pytest.mark.parametrize("cls", ERRORS, ids=ident)
def test_every_error_is_shown_under_a_public_importable_name(cls):
    path = f"{cls.__module__}.{cls.__qualname__}"
    assert not [part for part in path.split(".") if part.startswith("_")], path
    assert repr(cls) == f"<class '{path}'>"
    shown = named(cls)  # what the traceback names can be imported by that name ...
    assert shown is cls or (issubclass(cls, shown) and shown.__name__ == cls.__name__)
    assert getattr(exceptions, cls.__name__) is shown  # ... and from the exceptions package


def test_the_walk_finds_the_whole_tree():
    names = {named(cls).__name__ for cls in ERRORS}
    assert {"WebhookSignatureError", "WebhookPayloadError", "InputError"} <= names
    assert {"JournalLockedError", "SendMessages400ResponseException", "APITimeoutError"} <= names
    assert names == set(exceptions.__all__) - {"Problem"}  # `Problem` is a rule, not an error
    # ... and each but the CLI's InputError is exported at the top level too.
    assert names - set(message_media_messages.__all__) == {"InputError"}


def test_the_drawing_in_the_docstring_is_the_real_hierarchy():
    assert drawn_tree(api_exception.__doc__ or "") == real_tree()


def test_a_stale_drawing_is_caught():
    doc = api_exception.__doc__ or ""
    moved = doc.replace("    |   +-- JournalWriteError\n", "    +-- JournalWriteError\n")
    dropped = doc.replace("    +-- InputError (also ValueError)\n", "")
    unmarked = doc.replace("ConfigurationError (also ValueError)", "ConfigurationError")
    for stale in (moved, dropped, unmarked):
        assert stale != doc
        assert drawn_tree(stale) != real_tree()
    with pytest.raises(AssertionError, match="drawn twice"):
        drawn_tree(doc.replace("+-- InputError", "+-- JournalError"))


@pytest.mark.parametrize(
    ("name", "homes"),
    [
        ("WebhookPayloadError", ["", ".webhooks", ".webhooks._payloads"]),
        ("WebhookSignatureError", ["", ".webhooks", ".webhooks._signatures"]),
        ("InputError", [".cli", ".cli._exit"]),
    ],
)
def test_the_moved_errors_are_still_importable_where_they_were(name, homes):
    error = getattr(exceptions, name)
    assert error.__module__ == api_exception.__name__
    for home in homes:
        assert getattr(importlib.import_module(PACKAGE + home), name) is error


def test_the_cli_input_error_is_a_value_error_in_the_tree_and_still_exits_2(capsys):
    from message_media_messages.cli import _exit

    assert issubclass(exceptions.InputError, MessageMediaError)
    assert issubclass(exceptions.InputError, ValueError)
    assert _exit.failure(exceptions.InputError("no such file")) == _exit.EXIT_USAGE == 2
    assert capsys.readouterr().err == "messagemedia: error: no such file\n"
