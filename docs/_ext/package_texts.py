"""Sphinx directives that show the package's own texts (CLI help, enum values): no drift."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def _helps() -> list[tuple[str, str]]:
    """(command, help text) for `messagemedia` and each of its commands."""
    from message_media_messages.cli import build_parser

    parser = build_parser()
    found = [("messagemedia", parser.format_help())]
    for action in parser._actions:  # argparse has no public way to list subparsers
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if name != "sandbox":  # its own parser: see the sandbox guide
                    found.append((f"messagemedia {name}", sub.format_help()))
    return found


class CliHelp(SphinxDirective):
    """`{cli-help}`: a section per command, holding its --help output."""

    def run(self) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for command, text in _helps():
            section = nodes.section(ids=[nodes.make_id(command)])
            section += nodes.title(text=command)
            section += nodes.literal_block(text, text)
            out.append(section)
        return out


class EnumValues(SphinxDirective):
    """`{enum-values} package.module.Class`: the enum's every value, as a list."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        module, _, name = self.arguments[0].rpartition(".")
        values = getattr(importlib.import_module(module), name).values()
        listing = nodes.bullet_list()
        for value in values:
            listing += nodes.list_item("", nodes.paragraph("", "", nodes.literal(value, value)))
        return [nodes.paragraph(text=f"{name} values:"), listing]


def indented_blocks_as_code(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Show a docstring's drawing (an indented block after a line ending in ":") as code.

    The package's docstrings are Markdown-flavoured, never reST: reST needs `::` there.
    """
    for i in range(len(lines) - 2):
        head, gap, block = lines[i], lines[i + 1], lines[i + 2]
        deeper = len(block) - len(block.lstrip()) > len(head) - len(head.lstrip())
        opens = head.rstrip().endswith(":") and not head.lstrip().startswith(":")
        if opens and not gap.strip() and block.strip() and deeper:
            lines[i] = head.rstrip() + ":"


def setup(app: Any) -> dict[str, Any]:
    app.connect("autodoc-process-docstring", indented_blocks_as_code)
    app.add_directive("cli-help", CliHelp)
    app.add_directive("enum-values", EnumValues)
    return {"parallel_read_safe": True}
