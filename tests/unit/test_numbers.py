"""`normalize_number` and the hints of the destination rule: numbers as people write them."""

import subprocess
import sys

import pytest

from message_media_messages import ConfigurationError, ValidationError, normalize_number
from message_media_messages._numbers import destination_hint
from message_media_messages._validation import message_problems


@pytest.mark.parametrize("text", ["0491 570 156", "(04) 9157 0156", "61491570156",
                                  "+61-491-570-156", "+61 491 570 156", "491570156"])  # fmt: skip
def test_australian_numbers_as_people_write_them(text):
    assert normalize_number(text, "AU") == "+61491570156"


def test_a_number_with_its_country_code_needs_no_region():
    assert normalize_number("+44 7700 900123") == "+447700900123"
    assert normalize_number("(415) 555-0132", "us") == "+14155550132"


@pytest.mark.parametrize("text", ["6.14916E+10", "6,14916E+10", "6.1E10"])
def test_scientific_notation_gets_its_own_error(text):
    with pytest.raises(ValueError, match="scientific notation"):
        normalize_number(text, "AU")


def test_a_local_number_without_a_region_says_to_give_one():
    with pytest.raises(ValueError, match=r"'0491 570 156' has no country code.*default_region"):
        normalize_number("0491 570 156")


@pytest.mark.parametrize(("text", "region", "match"), [
    ("12", "AU", "not a possible phone number in AU"),
    ("hello", "AU", "not a phone number"),
    ("0491 570 156", "Australia", "unknown region 'Australia'"),
])  # fmt: skip
def test_what_is_not_a_number_is_refused(text, region, match):
    with pytest.raises(ValueError, match=match):
        normalize_number(text, region)


def test_the_e164_rule_shows_the_value_and_the_way_out():
    (local,) = message_problems({"content": "x", "destination_number": "0491 570 156"}, 0)
    assert "'0491 570 156'" in local.rule and "default_region=" in local.rule
    (excel,) = message_problems({"content": "x", "destination_number": "6.14916E+10"}, 0)
    assert "scientific notation" in excel.rule and "default_region" not in excel.rule
    (word,) = message_problems({"content": "x", "destination_number": "me"}, 0)
    assert word.rule.endswith("got 'me'")


def test_a_send_refuses_a_local_number_with_the_hint(mm_client):
    with pytest.raises(ValidationError, match="--default-region AU"):
        mm_client.messages.send_messages(
            {"messages": [{"content": "x", "destination_number": "0491 570 156"}]}
        )


def test_without_the_phone_extra_the_error_says_what_to_install():
    code = (
        "import sys; sys.modules['phonenumbers'] = None\n"
        "from message_media_messages import normalize_number\n"
        "try:\n    normalize_number('0491 570 156', 'AU')\n"
        "except ImportError as exc:\n    print(exc)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert 'pip install "message-media-messages[phone]"' in run.stdout, run.stderr


E164 = "must be '+' then 8 to 15 digits after '+' (E.164, first digit 1-9, e.g. +61491570156)"


@pytest.mark.parametrize(("value", "region", "hint"), [
    ("0491 57", "AU", "; '0491 57' is not a possible phone number in AU"),
    ("12345", "AU", "; '12345' is not a possible phone number in AU"),
    ("hello", "AU", "; got 'hello'"),
    ("6.14916E+10", "AU", "; got '6.14916E+10': a spreadsheet turned this number into "
     "scientific notation and lost its last digits: format the column as text and export it "
     "again"),
    ("0491 57", None, "; got '0491 57': a local or loosely written number? "
     "give its country with default_region= (CLI: --default-region AU)"),
    ("12345", None, "; got '12345'"),
])  # fmt: skip
def test_the_hint_suggests_a_region_only_when_none_was_given(value, region, hint):
    assert destination_hint(value, region) == hint


def test_a_batch_with_a_region_says_a_number_is_not_possible_there(mm_client):
    rows = [{"content": "a", "destination_number": n} for n in ("0491 57", "12345", "0491 570 156")]
    given = mm_client.messages.send_batch(rows, default_region="au")
    assert [r.error for r in given.rows] == [
        f"messages[0].destination_number: {E164}; '0491 57' is not a possible phone number in AU",
        f"messages[1].destination_number: {E164}; '12345' is not a possible phone number in AU",
        None,
    ]
    dry = mm_client.messages.send_batch(rows, default_region="AU", dry_run=True)
    assert [r.error for r in dry.rows] == [r.error for r in given.rows]
    none = mm_client.messages.send_batch(rows)
    assert none.rows[0].error == (
        f"messages[0].destination_number: {E164}; got '0491 57': a local or loosely written number?"
        " give its country with default_region= (CLI: --default-region AU)"
    )
    assert none.counts == {"invalid": 3}


def test_a_batch_refuses_an_unknown_region_before_reading_a_row(mm_client):
    def rows():
        raise AssertionError("read")
        yield {}

    with pytest.raises(ConfigurationError, match=r"^default_region: unknown region 'Australia'"):
        mm_client.messages.send_batch(rows(), default_region="Australia")
    result = mm_client.messages.send_batch(["not a message"], default_region="AU")
    assert result.rows[0].error == "messages[0]: must be a Message or a JSON object"
