"""One export table per lazy package: `__all__`, `dir()`, the loader and type checkers agree."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

LAZY_PACKAGES = [
    "message_media_messages",
    "message_media_messages.models",
    "message_media_messages.controllers",
    "message_media_messages.webhooks",
]


def type_checking_names(package: str) -> dict[str, str]:
    """name -> home module, as the package's `if TYPE_CHECKING:` imports declare them."""
    module = importlib.import_module(package)
    tree = ast.parse(Path(module.__file__).read_text())
    ifs = [n for n in tree.body if isinstance(n, ast.If)]
    block = next(n for n in ifs if ast.unparse(n.test) == "TYPE_CHECKING")
    found = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.level == 1
        for alias in node.names:
            assert alias.asname == alias.name  # `X as X`: re-exported, for type checkers
            found[alias.name] = node.module
    return found


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_the_type_checking_imports_say_what_the_export_table_says(package):
    module = importlib.import_module(package)
    assert type_checking_names(package) == module._HOMES


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_dir_and_all_list_exactly_the_public_names_and_each_one_loads(package):
    module = importlib.import_module(package)
    public = sorted({*module._HOMES, *(["__version__"] if package.count(".") == 0 else [])})
    assert module.__all__ == public
    assert dir(module) == public
    for name in public:
        assert getattr(module, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        module.Nope  # noqa: B018


def test_dir_of_a_fresh_package_imports_nothing_heavy():
    code = (
        "import sys, message_media_messages as m; names = dir(m); "
        "print('MessageMediaMessagesClient' in names, 'requests' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]
