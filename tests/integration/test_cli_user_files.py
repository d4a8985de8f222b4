"""`messagemedia batch` on files as people have them, as a subprocess against the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from message_media_messages import MessageMediaMessagesClient, SandboxServer

BOM = "\ufeff"


def spreadsheet_csv(path: Path, rows: list[list[str]], *, sep: str = ",", encoding: str = "utf-8",
                    bom: bool = True) -> Path:  # fmt: skip
    """Write rows as Excel's "CSV UTF-8" does: a BOM, CRLF line ends, quoted where needed."""
    def cell(text: str) -> str:
        return f'"{text}"' if sep in text or '"' in text else text

    text = "".join(sep.join(cell(c) for c in row) + "\r\n" for row in rows)
    path.write_bytes(((BOM if bom else "") + text).encode(encoding))
    return path


def run_cli(sandbox: SandboxServer, *argv: str, env: dict[str, str] | None = None,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """`python -m message_media_messages ARGV` with the sandbox's credentials in the environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    base.update(MESSAGEMEDIA_API_KEY=sandbox.api_key, MESSAGEMEDIA_API_SECRET=sandbox.api_secret,
                MESSAGEMEDIA_BASE_URL=sandbox.url, **(env or {}))  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "message_media_messages", *argv],
        env=base, input=stdin, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


LOCAL = ["0491 570 156", "(04) 9157 0157", "61491570158", "+61-491-570-159"]


def test_local_numbers_are_sent_as_e164_with_default_region(sandbox, tmp_path):
    path = spreadsheet_csv(tmp_path / "au.csv", [["destination_number", "content"],
                                                 *([n, "Hi"] for n in LOCAL)])  # fmt: skip
    run = run_cli(sandbox, "batch", str(path), "--default-region", "AU", "--no-progress")
    assert run.returncode == 0, run.stderr
    sent = sorted(m["destination_number"] for m in sandbox.messages())
    assert sent == ["+61491570156", "+61491570157", "+61491570158", "+61491570159"]


def test_the_region_can_come_from_the_environment(sandbox, tmp_path):
    path = spreadsheet_csv(tmp_path / "au.csv", [["destination_number", "content"],
                                                 ["0491 570 156", "Hi"]])  # fmt: skip
    run = run_cli(sandbox, "batch", str(path), env={"MESSAGEMEDIA_DEFAULT_REGION": "au"})
    assert run.returncode == 0, run.stderr
    assert [m["destination_number"] for m in sandbox.messages()] == ["+61491570156"]


def test_without_a_region_a_local_number_is_refused_with_its_value_and_the_way_out(
    sandbox, tmp_path
):
    path = spreadsheet_csv(tmp_path / "au.csv", [["destination_number", "content"],
                                                 ["0491 570 156", "Hi"]])  # fmt: skip
    run = run_cli(sandbox, "batch", str(path), "--no-progress")
    assert run.returncode == 2
    assert "'0491 570 156'" in run.stdout and "--default-region" in run.stdout
    assert sandbox.messages() == []


def test_a_number_excel_turned_into_scientific_notation_gets_its_own_error(sandbox, tmp_path):
    rows = [["destination_number", "content"], ["6.14916E+10", "Hi"], ["0491570156", "Hi"]]
    path = spreadsheet_csv(tmp_path / "excel.csv", rows)
    run = run_cli(sandbox, "batch", str(path), "--default-region", "AU", "--no-progress")
    assert run.returncode == 4, run.stderr
    assert "'6.14916E+10'" in run.stdout and "scientific notation" in run.stdout
    assert "format the column as text" in run.stdout
    assert [m["destination_number"] for m in sandbox.messages()] == ["+61491570156"]


def test_an_unknown_region_is_refused_before_anything_is_sent(sandbox, tmp_path):
    path = spreadsheet_csv(tmp_path / "au.csv", [["destination_number", "content"],
                                                 ["0491 570 156", "Hi"]])  # fmt: skip
    run = run_cli(sandbox, "batch", str(path), "--default-region", "Australia")
    assert run.returncode == 2
    assert "--default-region" in run.stderr and "'Australia'" in run.stderr
    assert sandbox.messages() == []


def test_send_batch_default_region_normalises_dicts_and_models(sandbox):
    from message_media_messages import Message

    rows = [{"content": "a", "destination_number": "0491 570 156"},
            Message(content="b", destination_number="(04) 9157 0157"),
            {"content": "c", "destination_number": "12"}]  # fmt: skip
    with MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret,
                                    base_uri=sandbox.url) as client:  # fmt: skip
        result = client.messages.send_batch(rows, default_region="AU")
    assert result.counts == {"accepted": 2, "invalid": 1}
    assert rows[1].destination_number == "(04) 9157 0157"  # the caller's model is not changed
    assert sorted(m["destination_number"] for m in sandbox.messages()) == [
        "+61491570156", "+61491570157"]  # fmt: skip
    assert "'12'" in str(result.rows[2].error)


@pytest.mark.parametrize("region", [None, "AU"])
def test_send_batch_without_the_region_says_how_to_fix_a_local_number(sandbox, region):
    with MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret,
                                    base_uri=sandbox.url) as client:  # fmt: skip
        result = client.messages.send_batch(
            [{"content": "a", "destination_number": "0491 570 156"}], default_region=region
        )
    if region:
        assert result.counts == {"accepted": 1}
    else:
        assert result.counts == {"invalid": 1}
        assert "default_region=" in str(result.rows[0].error)


def test_columns_named_as_people_name_them_are_mapped_and_said(sandbox, tmp_path):
    rows = [["Phone", "First Name", "Message"], ["0491 570 156", "Ann", "Hi Ann"]]
    path = spreadsheet_csv(tmp_path / "contacts.csv", rows)
    run = run_cli(sandbox, "batch", str(path), "--default-region", "AU", "--no-progress")
    assert run.returncode == 0, run.stderr
    assert "columns: Phone -> destination_number, Message -> content" in run.stderr
    assert "columns ignored (not message fields): First Name" in run.stderr
    (stored,) = sandbox.messages()
    assert (stored["destination_number"], stored["content"]) == ("+61491570156", "Hi Ann")
    assert "First Name" not in stored.get("metadata", {}) and "first_name" not in stored


@pytest.mark.parametrize(("to", "body"), [("to", "body"), ("MOBILE", "Text"), ("msisdn", "sms"),
                                          ("Destination_Number", "CONTENT")])  # fmt: skip
def test_every_alias_and_case_reaches_its_field(sandbox, tmp_path, to, body):
    path = spreadsheet_csv(tmp_path / "a.csv", [[to, body], ["+61491570156", "Hi"]], bom=False)
    run = run_cli(sandbox, "batch", str(path), "--no-progress")
    assert run.returncode == 0, run.stderr
    assert [(m["destination_number"], m["content"]) for m in sandbox.messages()] == [
        ("+61491570156", "Hi")]  # fmt: skip


def test_a_near_miss_column_refuses_the_file_and_sends_nothing(sandbox, tmp_path):
    rows = [["destination_number", "content", "delivery_reports"], ["+61491570156", "Hi", "yes"]]
    path = spreadsheet_csv(tmp_path / "typo.csv", rows)
    run = run_cli(sandbox, "batch", str(path))
    assert run.returncode == 2
    assert "did you mean 'delivery_report'?" in run.stderr and "--map" in run.stderr
    assert sandbox.messages() == []
    fixed = run_cli(sandbox, "batch", str(path), "--map", "delivery_report=delivery_reports")
    assert fixed.returncode == 0, fixed.stderr
    assert [m.get("delivery_report") for m in sandbox.messages()] == [True]


def test_map_chooses_the_column(sandbox, tmp_path):
    rows = [["work", "home", "greeting"], ["+61491570156", "+61491570157", "Hi"]]
    path = spreadsheet_csv(tmp_path / "two.csv", rows)
    run = run_cli(sandbox, "batch", str(path), "--map", "destination_number=Home",
                  "--map", "content=greeting")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "home -> destination_number" in run.stderr.lower()
    assert [m["destination_number"] for m in sandbox.messages()] == ["+61491570157"]
    bad = run_cli(sandbox, "batch", str(path), "--map", "destination_number=cell")
    assert bad.returncode == 2 and "'cell'" in bad.stderr
    typo = run_cli(sandbox, "batch", str(path), "--map", "phone=home")
    assert typo.returncode == 2 and "FIELD=COLUMN" in typo.stderr


def test_the_sdk_refuses_a_near_miss_key_and_passes_unknown_ones(sandbox):
    from message_media_messages import ValidationError

    with MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret,
                                    base_uri=sandbox.url) as client:  # fmt: skip
        with pytest.raises(ValidationError, match="did you mean 'delivery_report'"):
            client.messages.send_messages({"messages": [
                {"content": "x", "destination_number": "+61491570156", "delivery_reports": True}
            ]})  # fmt: skip
        assert sandbox.messages() == []
        client.messages.send_messages({"messages": [
            {"content": "x", "destination_number": "+61491570156", "campaign_tag": "spring"}
        ]})  # fmt: skip
    assert len(sandbox.messages()) == 1


@pytest.mark.parametrize(("sep", "encoding", "bom"), [
    (";", "utf-8", True), ("\t", "utf-8", True), (",", "utf-8", False), (";", "cp1252", False),
])  # fmt: skip
def test_files_as_spreadsheets_export_them(sandbox, tmp_path, sep, encoding, bom):
    rows = [["phone", "first_name", "message"],
            ["0491 570 156", "Zoë", "Grüße, Zoë: café at 5; bring €10"]]  # fmt: skip
    path = spreadsheet_csv(tmp_path / "export.csv", rows, sep=sep, encoding=encoding, bom=bom)
    run = run_cli(sandbox, "batch", str(path), "--default-region", "AU", "--no-progress")
    assert run.returncode == 0, run.stderr
    assert [m["content"] for m in sandbox.messages()] == ["Grüße, Zoë: café at 5; bring €10"]
    assert ("read as cp1252" in run.stderr) == (encoding == "cp1252")


def test_stdin_is_read_with_dash(sandbox):
    text = "to,body\r\n+61491570156,from a pipe\r\n"
    run = run_cli(sandbox, "batch", "-", "--no-progress", stdin=text)
    assert run.returncode == 0, run.stderr
    assert "reading stdin: no journal" in run.stderr
    assert [m["content"] for m in sandbox.messages()] == ["from a pipe"]


@pytest.mark.parametrize("name", ["contacts.xlsx", "contacts.csv"])
def test_a_workbook_is_refused_with_save_as_csv(sandbox, tmp_path, name):
    import zipfile

    path = tmp_path / name  # a workbook is a zip, whatever its name says
    with zipfile.ZipFile(path, "w") as workbook:
        workbook.writestr("xl/workbook.xml", "<workbook/>")
    run = run_cli(sandbox, "batch", str(path))
    assert run.returncode == 2
    assert "spreadsheet workbook" in run.stderr and "save as CSV" in run.stderr
    assert sandbox.messages() == []


EMOJI = "😀" * 200  # UCS-2: 400 units, 7 SMS segments


def test_a_dry_run_needs_no_credentials_and_no_network(tmp_path):
    rows = [["phone", "message"], ["+61491570156", "hi"], ["+61491570157", EMOJI]]
    path = spreadsheet_csv(tmp_path / "cost.csv", rows)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    env["MESSAGEMEDIA_BASE_URL"] = "http://127.0.0.1:9"  # nothing listens: any request fails
    run = subprocess.run([sys.executable, "-m", "message_media_messages", "--json", "batch",
                          str(path), "--dry-run", "--no-progress"],
                         env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
    document = __import__("json").loads(run.stdout)
    assert document["total_segments"] == 8
    assert document["encodings"] == {"GSM-7": 1, "UCS-2": 1}


def test_a_send_warns_about_long_rows_first_and_max_segments_refuses_them(sandbox, tmp_path):
    rows = [["phone", "message"], ["+61491570156", "hi"], ["+61491570157", EMOJI]]
    path = spreadsheet_csv(tmp_path / "cost.csv", rows)
    warned = run_cli(sandbox, "batch", str(path), "--no-progress")
    assert warned.returncode == 0, warned.stderr
    assert "1 rows are over 4 SMS segments each (the longest 7" in warned.stderr
    assert "--max-segments" in warned.stderr
    assert len(sandbox.messages()) == 2
    capped = run_cli(sandbox, "batch", str(path), "--no-progress", "--new-run",
                     "--max-segments", "3")  # fmt: skip
    assert capped.returncode == 4, capped.stderr
    assert "is 7 SMS segments, over max_segments=3" in capped.stdout
    assert "warning" not in capped.stderr
    assert len(sandbox.messages()) == 3  # only the short row was sent again


def test_send_batch_max_segments(sandbox):
    from message_media_messages import ConfigurationError

    rows = [{"content": EMOJI, "destination_number": "+61491570156"},
            {"content": EMOJI, "destination_number": "+61491570157", "format": "MMS"},
            {"content": "hi", "destination_number": "+61491570158"}]  # fmt: skip
    with MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret,
                                    base_uri=sandbox.url) as client:  # fmt: skip
        dry = client.messages.send_batch(rows, dry_run=True, max_segments=7)
        assert dry.counts == {"valid": 3, "invalid": 0}
        result = client.messages.send_batch(rows, max_segments=6)
        with pytest.raises(ConfigurationError):
            client.messages.send_batch(rows, max_segments=0)
    assert result.counts == {"invalid": 1, "accepted": 2}  # an MMS is not counted in SMS parts
    assert "over max_segments=6" in str(result.rows[0].error)


CONTACTS = [["phone", "First Name", "code"], ["0491 570 156", "Ann", "1234"],
            ["0491 570 157", "Zoë", "5678"]]  # fmt: skip
TEMPLATE = "Hi {first_name}, your code is {code}"


def test_a_template_fills_each_row_from_its_columns(sandbox, tmp_path):
    path = spreadsheet_csv(tmp_path / "c.csv", CONTACTS, sep=";", encoding="cp1252", bom=False)
    run = run_cli(sandbox, "batch", str(path), "--default-region", "AU", "--template", TEMPLATE,
                  "--no-progress")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "ignored" not in run.stderr  # the template's columns are used, not ignored
    assert sorted(m["content"] for m in sandbox.messages()) == [
        "Hi Ann, your code is 1234", "Hi Zoë, your code is 5678"]  # fmt: skip


def test_a_template_file_and_the_dry_run_shows_the_rendered_rows(tmp_path):
    path = spreadsheet_csv(tmp_path / "c.csv", CONTACTS)
    template = tmp_path / "greeting.txt"
    template.write_text(TEMPLATE + "\r\n", encoding="utf-8-sig")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    run = subprocess.run([sys.executable, "-m", "message_media_messages", "batch", str(path),
                          "--dry-run", "--no-progress", "--default-region", "AU",
                          "--template-file", str(template)],
                         env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "--template, line 2: 'Hi Ann, your code is 1234'" in run.stderr
    assert "--template, line 3: 'Hi Zoë, your code is 5678'" in run.stderr
    assert "SMS segments: 2 in total" in run.stdout


@pytest.mark.parametrize(("template", "complaint"), [
    ("Hi {first_nam}", "{first_nam} has no column"),
    ("Hi {}", "is not a column placeholder"),
    ("Hi {name.__class__}", "is not a column placeholder"),
    ("Hi {first_name", "literal brace"),
])  # fmt: skip
def test_a_bad_template_is_refused_before_anything_is_sent(sandbox, tmp_path, template,
                                                          complaint):  # fmt: skip
    path = spreadsheet_csv(tmp_path / "c.csv", CONTACTS)
    run = run_cli(sandbox, "batch", str(path), "--default-region", "AU", "--template", template)
    assert run.returncode == 2
    assert complaint in run.stderr
    assert sandbox.messages() == []
