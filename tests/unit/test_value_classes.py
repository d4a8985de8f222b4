"""The public value classes keep the constructor, eq, hash, repr, frozen-ness and pickling
they had as dataclasses (Configuration, RetryPolicy, Problem)."""

import copy
import inspect
import pickle
import random

import pytest

from message_media_messages.configuration import DEFAULT_BASE_URI, Configuration
from message_media_messages.exceptions.api_exception import Problem
from message_media_messages.http.retry import RetryPolicy

CONFIG_PARAMETERS = [
    ("auth_user_name", None), ("auth_password", None), ("use_hmac_authentication", False),
    ("base_uri", None), ("region", None), ("account_id", None), ("timeout", (10.0, 30.0)),
    ("max_retries", 2), ("hmac_algorithm", "sha1"),
    ("user_agent", "message-media-messages-python/3.0.0"), ("verify", True), ("proxies", None),
    ("pool_maxsize", 10), ("max_response_bytes", 16 * 1024 * 1024),
]  # fmt: skip


def parameters(cls: type) -> list[tuple[str, object]]:
    return [(p.name, p.default) for p in inspect.signature(cls).parameters.values()]


def test_configuration_takes_every_setting_by_position_or_name_with_its_default():
    assert parameters(Configuration)[:-2] == CONFIG_PARAMETERS
    assert [name for name, _ in parameters(Configuration)[-2:]] == ["clock", "sleep"]
    given = Configuration("k", "s", True, "https://h.example", None, "acct", 5.0, 0, "sha256")
    assert (given.auth_user_name, given.use_hmac_authentication, given.timeout) == ("k", True, 5.0)
    assert (given.account_id, given.max_retries, given.hmac_algorithm) == ("acct", 0, "sha256")
    assert Configuration().base_uri == DEFAULT_BASE_URI


def test_configuration_equality_ignores_clock_and_sleep_and_it_stays_unhashable():
    one = Configuration("k", "s", clock=lambda: 1.0, sleep=lambda s: None)
    assert one == Configuration("k", "s") and one != Configuration("k", "other")
    assert one != ("k", "s") and Configuration() != Configuration(max_retries=3)
    with pytest.raises(TypeError):
        hash(one)
    one.max_retries = 5  # mutable, as before
    assert one.max_retries == 5


def test_configuration_repr_shows_the_settings_in_order_and_never_the_credentials():
    shown = repr(Configuration("key-id", "top-secret", account_id="acct"))
    assert shown == (
        "Configuration(use_hmac_authentication=False, base_uri='https://api.messagemedia.com', "
        "region=None, account_id='acct', timeout=(10.0, 30.0), max_retries=2, "
        "hmac_algorithm='sha1', user_agent='message-media-messages-python/3.0.0', "
        "verify=True, proxies=None, pool_maxsize=10, max_response_bytes=16777216)"
    )


def test_configuration_round_trips_through_pickle_and_copy():
    config = Configuration("k", "s", region="eu")
    for again in (pickle.loads(pickle.dumps(config)), copy.copy(config), copy.deepcopy(config)):
        assert again == config and again.base_uri == "https://eu.app.api.sinch.com"


def test_retry_policy_is_a_frozen_hashable_value_whose_jitter_source_is_not_compared():
    assert parameters(RetryPolicy) == [
        ("max_retries", 2), ("backoff_base", 0.5), ("backoff_max", 8.0),
        ("retry_after_max", 30.0), ("random", random.random),
    ]  # fmt: skip
    policy = RetryPolicy(3, 0.1, random=lambda: 0.5)
    assert policy == RetryPolicy(max_retries=3, backoff_base=0.1) != RetryPolicy()
    assert hash(policy) == hash(RetryPolicy(3, 0.1)) and policy != (3, 0.1, 8.0, 30.0)
    assert len({policy, RetryPolicy(3, 0.1), RetryPolicy()}) == 2
    assert repr(policy) == (
        "RetryPolicy(max_retries=3, backoff_base=0.1, backoff_max=8.0, retry_after_max=30.0)"
    )
    with pytest.raises(AttributeError):
        policy.max_retries = 0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del policy.backoff_max  # type: ignore[misc]
    assert policy.max_retries == 3 and policy.backoff_max == 8.0
    for again in (pickle.loads(pickle.dumps(RetryPolicy(4))), copy.copy(policy)):
        assert again in (RetryPolicy(4), policy)


def test_problem_is_a_frozen_hashable_value_that_pickles():
    problem = Problem("content", "is required", 2)
    assert problem == Problem(field="content", rule="is required", index=2)
    assert problem != Problem("content", "is required") and problem != ("content", "is required", 2)
    assert hash(problem) == hash(Problem("content", "is required", 2))
    assert repr(Problem("body", "bad")) == "Problem(field='body', rule='bad', index=None)"
    assert str(problem) == "messages[2].content: is required"
    with pytest.raises(AttributeError):
        problem.rule = "other"  # type: ignore[misc]
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(problem, protocol)) == problem
    assert copy.deepcopy(problem) == problem
    match problem:
        case Problem(field, rule, index):
            assert (field, rule, index) == ("content", "is required", 2)
