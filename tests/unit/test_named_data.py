"""The batch's data and the API's limits, each defined once: ledger rows, limits, yes/no words."""

from pathlib import Path

import pytest

from message_media_messages import _rules, _validation
from message_media_messages.batch import _journal, _ledger
from message_media_messages.cli import _input
from message_media_messages.configuration import (
    FALSE_WORDS,
    HMAC_WORDS,
    TRUE_WORDS,
    Configuration,
)
from message_media_messages.controllers.delivery_reports_controller import (
    DeliveryReportsController,
)
from message_media_messages.controllers.replies_controller import RepliesController


def test_a_ledger_row_has_the_tables_columns_in_their_order():
    assert _ledger.LedgerRow._fields == _journal.ROWS_COLUMNS


def test_a_ledger_row_is_written_and_read_back_by_name():
    ledger = _ledger.Ledger(None)
    try:
        ledger.write([_ledger.LedgerRow(0, b"fp", _ledger.VALID, None, None, "GSM-7", 2)])
        assert ledger.prior(0, 0) == {
            0: _ledger.LedgerRow(0, b"fp", _ledger.VALID, None, None, "GSM-7", 2)
        }
        sent = _ledger.Group(("idx", "fp", "message_id"), [(0, b"fp", "id-0"), (1, b"f1", "id-1")],
                             _ledger.ACCEPTED)  # fmt: skip
        failed = _ledger.Group(("idx",), [(2,)], _ledger.UNKNOWN, "HTTP 500")
        ledger.write(groups=[sent, failed])  # a chunk's rows replace those of the same idx
        assert ledger.prior(0, 2) == {
            0: _ledger.LedgerRow(0, b"fp", _ledger.ACCEPTED, "id-0"),
            1: _ledger.LedgerRow(1, b"f1", _ledger.ACCEPTED, "id-1"),
            2: _ledger.LedgerRow(2, None, _ledger.UNKNOWN, error="HTTP 500"),
        }
        assert list(ledger.view()) == [
            _ledger.BatchRow(0, "accepted", "id-0"),
            _ledger.BatchRow(1, "accepted", "id-1"),
            _ledger.BatchRow(2, "unknown", error="HTTP 500"),
        ]
    finally:
        ledger.close()


def test_the_api_limits_are_defined_once():
    assert (_rules.MAX_MESSAGES, _rules.MAX_IDS, _rules.MAX_METADATA_KEY) == (100, 100, 100)
    assert (_rules.MAX_CONTENT, _rules.MAX_METADATA, _rules.MAX_METADATA_VALUE) == (5000, 10, 256)
    assert _rules.MAX_SUBJECT == 64
    assert _validation.MAX_MESSAGES is _rules.MAX_MESSAGES
    assert _validation.MAX_IDS is _rules.MAX_IDS
    assert DeliveryReportsController.MAX_IDS == RepliesController.MAX_IDS == _rules.MAX_IDS


def test_the_yes_and_no_words():
    assert TRUE_WORDS == ("true", "1", "yes")
    assert FALSE_WORDS == ("false", "0", "no")
    assert sorted(HMAC_WORDS) == sorted([*TRUE_WORDS, "on", "hmac"])  # MESSAGEMEDIA_HMAC's extras


@pytest.mark.parametrize("word", ["1", "TRUE", "yes", "On", "hmac"])
def test_messagemedia_hmac_takes_the_true_words_and_on_and_hmac(word):
    assert Configuration.from_env({"MESSAGEMEDIA_HMAC": word}).use_hmac_authentication


@pytest.mark.parametrize("word", ["", "0", "false", "no", "off", "y"])
def test_messagemedia_hmac_is_off_for_anything_else(word):
    assert not Configuration.from_env({"MESSAGEMEDIA_HMAC": word}).use_hmac_authentication


def test_a_csv_cell_takes_the_true_and_false_words_only(tmp_path: Path):
    words = [*TRUE_WORDS, "Yes", *FALSE_WORDS, " NO "]
    lines = [f"+61491570156,hi,{word}" for word in words]
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(["destination_number,content,delivery_report", *lines]) + "\n")
    got = [row["delivery_report"] for _, row in _input.read_rows(str(path))]
    assert got == [True, True, True, True, False, False, False, False]
    path.write_text("destination_number,content,delivery_report\n+61491570156,hi,on\n")
    with pytest.raises(_input.InputError, match="must be true/false/1/0/yes/no, not 'on'"):
        list(_input.read_rows(str(path)))
