"""DESIGN.md's dependency direction, enforced by reading every module's imports with ast."""

import ast
import re
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "message_media_messages"
NAME = "message_media_messages"


def module_of(path: Path) -> str:
    """`message_media_messages/http/__init__.py` -> `message_media_messages.http`."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) for every import in a module, relative ones resolved; name is None
    for `import module`, else what `from module import name` takes."""
    module = module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base]) if base else ".".join(parent)
            found.extend((base, alias.name) for alias in node.names)
    return found


def imports_of(path: Path) -> set[str]:
    """Absolute dotted names of everything a module imports: modules and `module.name`."""
    return {n for base, name in imported(path) for n in (base, f"{base}.{name}" if name else base)}


def modules(pattern: str) -> list[Path]:
    return sorted(PACKAGE.glob(pattern))


def internal(names: set[str]) -> set[str]:
    return {n for n in names if n == NAME or n.startswith(NAME + ".")}


def allowed(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_package_has_the_expected_layout():
    for part in ["models", "http", "controllers", "exceptions", "sandbox"]:
        assert (PACKAGE / part).is_dir()
    assert len(list(PACKAGE.rglob("*.py"))) > 30


@pytest.mark.parametrize("path", modules("models/*.py"), ids=str)
def test_models_import_only_models(path):
    bad = {n for n in internal(imports_of(path)) if not allowed(n, (f"{NAME}.models",))}
    assert not bad


@pytest.mark.parametrize("path", modules("http/http_*.py"), ids=str)
def test_http_data_modules_import_only_the_standard_library(path):
    names = internal(imports_of(path))
    bad = {n for n in names if not n.startswith((f"{NAME}.http.http_", f"{NAME}.http._redaction"))}
    assert not bad
    assert not {n for n in imports_of(path) if n.split(".")[0] in ("requests", "urllib3")}


@pytest.mark.parametrize("module", ["configuration.py", "_setting_checks.py"])
def test_configuration_imports_only_the_exception_tree(module):
    # ... and the redaction rules, a bottom-layer http_* module (stdlib only, see above),
    # and its own value checks (`_setting_checks`, held to the same rule).
    names = internal(imports_of(PACKAGE / module))
    below = (f"{NAME}.exceptions", f"{NAME}.http._redaction", f"{NAME}._setting_checks")
    assert {n for n in names if not allowed(n, below)} == set()


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=str)
def test_only_the_transport_imports_requests(path):
    third_party = {n.split(".")[0] for n in imports_of(path)} & {"requests", "urllib3"}
    if path == PACKAGE / "http" / "transport.py":
        assert third_party == {"requests", "urllib3"}
    else:
        assert third_party == set()


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=str)
def test_only_the_async_transport_imports_httpx(path):
    third_party = {n.split(".")[0] for n in imports_of(path)} & {"httpx", "httpcore", "aiohttp"}
    assert third_party == ({"httpx"} if path == PACKAGE / "http" / "_async_transport.py" else set())


@pytest.mark.parametrize("path", modules("controllers/*.py"), ids=str)
def test_controllers_never_import_the_transport(path):
    transports = (f"{NAME}.http.transport", f"{NAME}.http._async_transport")
    assert not {n for n in imports_of(path) if allowed(n, transports)}


@pytest.mark.parametrize("path", modules("sandbox/*.py"), ids=str)
def test_the_sandbox_imports_nothing_from_the_package(path):
    names = internal(imports_of(path))
    assert {n for n in names if not allowed(n, (f"{NAME}.sandbox",))} == set()


@pytest.mark.parametrize("path", modules("webhooks/*.py"), ids=str)
def test_the_webhook_receivers_need_no_web_framework_or_server(path):
    # Plain WSGI and ASGI: the standard library, the package, and cryptography (lazily).
    third_party = {n.split(".")[0] for n in imports_of(path)} - set(sys.stdlib_module_names)
    assert third_party <= {NAME, "cryptography", "_typeshed"}


def test_the_asgi_receiver_shares_the_decisions_of_the_wsgi_one():
    for app in ("_app", "_asgi"):
        names = imports_of(PACKAGE / "webhooks" / f"{app}.py")
        assert f"{NAME}.webhooks._receiver.Receiver" in names
        assert not {n for n in names if n.startswith(f"{NAME}.webhooks._signatures.verify")}
        assert not {n for n in names if n.startswith(f"{NAME}.webhooks._payloads.parse")}


@pytest.mark.parametrize("path", modules("cli/*.py"), ids=str)
def test_the_cli_uses_only_top_level_public_names(path):
    names = {n for n in internal(imports_of(path)) if not allowed(n, (f"{NAME}.cli",))}
    private = {n for n in names for p in n.split(".") if p.startswith("_") and not p.endswith("__")}
    assert private == set()


def test_the_layering_reader_resolves_relative_imports():
    names = imports_of(PACKAGE / "controllers" / "_answers.py")
    assert f"{NAME}.http.retry" in names
    assert f"{NAME}.exceptions.api_exception" in names


# -- the whole graph: no cycles, a pinned public surface, modules a reader can hold -----------


MODULES = {module_of(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def edges_of(module: str) -> set[str]:
    """The package's modules `module` imports anywhere (functions and TYPE_CHECKING too).

    `from .models import Message` depends on `models` (the package), `from . import retry`
    on `http.retry`: each imported name resolves to the longest module it names.
    """
    found = set()
    for base, name in imported(MODULES[module]):
        target = f"{base}.{name}" if f"{base}.{name}" in MODULES else base
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != module:
            found.add(target)
    return found


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Import cycles, as a depth-first walk finds them (one per back edge; none if none)."""
    state: dict[str, int] = {}  # 1: on the walk's stack, 2: done
    stack: list[str] = []
    found: list[list[str]] = []

    def walk(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in graph[module]:
            if state.get(target) == 1:
                found.append([*stack[stack.index(target):], target])
            elif target not in state:
                walk(target)
        stack.pop()
        state[module] = 2

    for module in graph:
        if module not in state:
            walk(module)
    return found


def test_no_import_cycles_anywhere_in_the_package():
    assert cycles({m: sorted(edges_of(m)) for m in MODULES}) == []


def test_the_cycle_finder_finds_cycles_and_only_cycles():
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c", "a"]]
    assert cycles({"a": ["b", "c"], "b": ["c"], "c": []}) == []


def test_an_init_module_s_relative_imports_resolve_inside_its_package():
    assert f"{NAME}.http.retry" in edges_of(f"{NAME}")  # `from .http.retry import RetryPolicy`
    assert f"{NAME}.batch._sender" in edges_of(f"{NAME}.batch")


PUBLIC_MODULES = [f"{NAME}.{m}".rstrip(".") for m in [
    "", "__main__", "api_helper", "batch", "cli", "configuration", "controllers",
    "controllers.base_controller", "controllers.delivery_reports_controller",
    "controllers.messages_controller", "controllers.replies_controller", "decorators",
    "exceptions", "exceptions.api_exception", "exceptions.send_messages_400_response_exception",
    "http", "http.auth", "http.auth.auth_manager", "http.http_call_back", "http.http_client",
    "http.http_context", "http.http_method_enum", "http.http_request", "http.http_response",
    "http.requests_client", "http.retry", "http.transport", "message_media_messages_client",
    "models", "models.cancel_scheduled_message_request",
    "models.check_delivery_reports_response", "models.check_replies_response",
    "models.confirm_delivery_reports_as_received_request",
    "models.confirm_delivery_reports_as_received_request_1",
    "models.confirm_replies_as_received_request",
    "models.confirm_replies_as_received_request_1", "models.delivery_report",
    "models.format_1_enum", "models.format_enum", "models.get_message_status_response",
    "models.message", "models.reply", "models.send_messages_request",
    "models.send_messages_response", "models.source_number_type_enum", "models.status_2_enum",
    "models.status_enum", "models.vendor_account_id", "pytest_plugin", "sandbox",
    "sandbox.__main__", "webhooks"
]]


def test_the_public_modules_are_exactly_the_pinned_list():
    # A new module is private (`_name`) unless it is added here on purpose: the 2.x paths,
    # the feature packages and the entry points are what users may import.
    public = {m for m in MODULES if not any(p.startswith("_") and not p.endswith("__")
                                            for p in m.split("."))}
    assert sorted(public) == sorted(PUBLIC_MODULES)


MAX_MODULE_LINES, MAX_FUNCTION_LINES = 300, 40


@pytest.mark.parametrize("module", sorted(MODULES), ids=str)
def test_modules_and_functions_stay_small_enough_to_read(module):
    source = MODULES[module].read_text()
    assert len(source.splitlines()) <= MAX_MODULE_LINES
    long = {
        node.name: node.end_lineno - node.lineno + 1
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    }
    assert long == {}


def readme_tree() -> dict[str, bool]:
    """The files drawn in the development page's "How the code is laid out" -> [2.x] or not."""
    readme = (PACKAGE.parent / "docs" / "project" / "development.md").read_text(encoding="utf-8")
    section = readme.split("## How the code is laid out", 1)[1]
    block = section.split("```\n", 2)[1]
    drawn: dict[str, bool] = {}
    folders: list[str] = []
    for line in block.splitlines()[1:]:  # below `message_media_messages/`
        depth = (len(line) - len(line.lstrip(" "))) // 2
        names, _, note = line.strip().partition("  ")
        del folders[depth - 1 :]
        for name in names.split(", "):
            if name.endswith("/"):
                folders.append(name)
            else:
                drawn["".join(folders) + name] = note.lstrip().startswith("[2.x]")
    return drawn


def test_the_readme_draws_every_module_once_and_only_real_ones():
    drawn = readme_tree()
    files = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")}
    assert sorted(drawn) == sorted(files)


def test_the_readme_marks_as_2x_only_public_modules():
    for path, marked in readme_tree().items():
        parts = path.removesuffix(".py").removesuffix("/__init__").split("/")
        if marked:
            assert not any(p.startswith("_") and p != "__init__" for p in parts), path


REST = re.compile(  # reST's `::` blocks, field lists, ``literals``, directives, ==== tables
    r"::$|^\s*:(param|type|returns?|rtype|raises)\b|(?<!`)``(?!`)|^\s*\.\. \w+::|^\s*={3,}\s+={3,}",
    re.M,
)


def docstrings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    owners = [tree, *(n for n in ast.walk(tree) if isinstance(
        n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))]
    return [d for d in map(ast.get_docstring, owners) if d]


@pytest.mark.parametrize("module", sorted(MODULES), ids=str)
def test_docstrings_are_in_one_style_markdown_not_rest(module):
    assert [d.splitlines()[0] for d in docstrings(MODULES[module]) if REST.search(d)] == []


def test_the_rest_detector_sees_rest():
    found = [s for s in ["Quick start::", ":param x: y", "``code``", ".. note::", "===  ==="]
             if REST.search(s)]
    markdown = "Args:\n    x: `code`, a **bold** word.\n```python\nx = 1\n```"
    assert len(found) == 5 and not REST.search(markdown)
