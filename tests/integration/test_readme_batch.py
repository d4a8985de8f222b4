"""The README's own-file batch: its CSV, and its commands run as written against the sandbox."""

import os
import re
import shlex
import subprocess
import sys
import textwrap

from doc_examples import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_file_and_commands():
    """The README's `phone,first_name,message` block, and its `messagemedia batch` lines."""
    blocks = [textwrap.dedent(b) for b in re.findall(r"```text\n(.*?)```", README, re.S)]
    (csv_text,) = [b for b in blocks if b.startswith("phone,first_name,message")]
    lines = [line.strip() for b in re.findall(r"```bash\n(.*?)```", README, re.S)
             for line in b.splitlines()]  # fmt: skip
    commands = [shlex.split(line, comments=True) for line in lines
                if line.startswith("messagemedia batch contacts.csv")]  # fmt: skip
    return csv_text, commands


def messagemedia(command, cwd, env):
    """Run a README `messagemedia ...` line with this interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "message_media_messages", *command[1:]],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_readme_batch_commands_send_its_file(sandbox, tmp_path):
    csv_text, commands = readme_file_and_commands()
    assert [c[-1] for c in commands] == ["--dry-run", "AU"]
    (tmp_path / "contacts.csv").write_text(csv_text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    dry = messagemedia(commands[0], tmp_path, env)
    assert dry.returncode == 0, dry.stderr  # no credentials, nothing sent
    assert "SMS segments: 2 in total (GSM-7: 1 rows, UCS-2: 1 rows)" in dry.stdout  # the ë
    env.update(MESSAGEMEDIA_API_KEY=sandbox.api_key, MESSAGEMEDIA_API_SECRET=sandbox.api_secret,
               MESSAGEMEDIA_BASE_URL=sandbox.url)  # fmt: skip
    sent = messagemedia(commands[1], tmp_path, env)
    assert sent.returncode == 0, sent.stderr
    assert "columns: phone -> destination_number, message -> content" in sent.stderr
    assert sorted(m["destination_number"] for m in sandbox.messages()) == [
        "+61491570156", "+61491570157"]  # fmt: skip
