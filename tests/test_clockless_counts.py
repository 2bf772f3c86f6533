"""What keeps the suite's counts and property tests independent of the machine's speed: the
query-count fixtures pin the routing stamp, and Hypothesis runs under the ``ci`` profile
(tests/conftest.py)."""

from __future__ import annotations

import os

import hypothesis
import pytest
from django.conf import settings

from tenants.routing import host_cache

LOGIN = "/connexion/"


def _a_slow_step_passes() -> None:
    # As in tests/test_query_counts.py: the stamp was last read longer ago than its interval.
    host_cache._checked_at -= settings.ENT_ROUTING_STAMP_SECONDS + 1


def test_django_assert_num_queries_does_not_count_the_stamps_re_read(
    tenant_client, django_assert_num_queries
):
    client = tenant_client("bordeaux")
    assert client.get(LOGIN).status_code == 200  # warm: the stamp is read

    _a_slow_step_passes()
    # The anonymous login page reads nothing from the database once the host is known.
    with django_assert_num_queries(0):
        client.get(LOGIN)


def test_django_assert_max_num_queries_does_not_count_the_stamps_re_read(
    tenant_client, django_assert_max_num_queries
):
    client = tenant_client("bordeaux")
    client.get(LOGIN)

    _a_slow_step_passes()
    with django_assert_max_num_queries(0):
        client.get(LOGIN)


def test_the_pinned_fixtures_still_fail_on_a_wrong_count(tenant_client, django_assert_num_queries):
    client = tenant_client("bordeaux")

    with pytest.raises(pytest.fail.Exception), django_assert_num_queries(0):
        client.get(LOGIN)  # the first request of a test reads the stamp: one query at least


def test_property_tests_run_without_deadline_or_too_slow_health_check():
    ci = hypothesis.settings.get_profile("ci")
    assert ci.deadline is None
    assert hypothesis.HealthCheck.too_slow in ci.suppress_health_check

    # Loaded unless HYPOTHESIS_PROFILE names another one.
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci":
        assert hypothesis.settings.default.deadline is None
        assert hypothesis.HealthCheck.too_slow in hypothesis.settings.default.suppress_health_check
