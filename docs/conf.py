"""Sphinx configuration of the message_media_messages documentation (`tox -e docs`)."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the checkout's package, not an installed copy
sys.path.insert(0, str(HERE / "_ext"))

from message_media_messages import __version__  # noqa: E402

project = "message_media_messages"
author = "message_media_messages contributors"
copyright = "2026, message_media_messages contributors"
release = version = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "package_texts",
]
source_suffix = {".md": "markdown"}
default_role = "code"  # docstrings write `name` for code, as Markdown does
exclude_patterns = ["_build", "_ext"]
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

html_theme = "furo"
html_title = f"message_media_messages {release}"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
highlight_language = "text"  # unlabelled blocks: drawings and --help texts
