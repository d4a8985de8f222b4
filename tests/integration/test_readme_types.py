"""The README's Python examples, pasted into one file as a reader would, pass `mypy --strict`."""

import os
import subprocess
import sys

from doc_examples import ROOT, python_blocks

README = ROOT / "README.md"
# The package as this checkout has it (an editable install's import hook is invisible to mypy).
ENV = {**os.environ, "MYPYPATH": str(ROOT)}


def mypy_strict(script):
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)],
        capture_output=True, text=True, cwd=script.parent, env=ENV, timeout=300,
    )  # fmt: skip


def test_readme_examples_pass_mypy_strict(tmp_path):
    blocks = python_blocks(README)
    assert any("result.messages[0]" in block for block in blocks)  # the line item 8 is about
    script = tmp_path / "readme_examples.py"
    script.write_text("\n\n".join(blocks), encoding="utf-8")
    run = mypy_strict(script)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Success: no issues found in 1 source file" in run.stdout


def test_mypy_would_catch_an_optional_list_in_the_readme(tmp_path):
    # The check above can fail: indexing a `list[...] | None` is an error under --strict.
    script = tmp_path / "optional.py"
    script.write_text(
        "from message_media_messages.models import GetMessageStatusResponse\n"
        "print(GetMessageStatusResponse().media[0])\n",
        encoding="utf-8",
    )
    run = mypy_strict(script)
    assert run.returncode == 1 and "not indexable" in run.stdout, run.stdout
