"""DESIGN.md's dependency direction, enforced by reading every module's imports with ast."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "message_media_messages"
NAME = "message_media_messages"


def imports_of(path: Path) -> set[str]:
    """Absolute dotted names of everything a module imports (relative imports resolved)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base]) if base else ".".join(parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


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


@pytest.mark.parametrize("path", modules("controllers/*.py"), ids=str)
def test_controllers_never_import_the_transport(path):
    assert not {n for n in imports_of(path) if allowed(n, (f"{NAME}.http.transport",))}


@pytest.mark.parametrize("path", modules("sandbox/*.py"), ids=str)
def test_the_sandbox_imports_nothing_from_the_package(path):
    names = internal(imports_of(path))
    assert {n for n in names if not allowed(n, (f"{NAME}.sandbox",))} == set()


@pytest.mark.parametrize("path", modules("cli/*.py"), ids=str)
def test_the_cli_uses_only_top_level_public_names(path):
    names = {n for n in internal(imports_of(path)) if not allowed(n, (f"{NAME}.cli",))}
    private = {n for n in names for p in n.split(".") if p.startswith("_") and not p.endswith("__")}
    assert private == set()


def test_the_layering_reader_resolves_relative_imports():
    names = imports_of(PACKAGE / "controllers" / "_requestor.py")
    assert f"{NAME}.http.retry" in names
    assert f"{NAME}.exceptions.api_exception" in names
