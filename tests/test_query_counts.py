"""The query-count helpers of tests/helpers.py: a count does not depend on how long the test's
set-up took (the routing stamp's re-read), and a wrong count lists the queries."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.routing import host_cache
from tests.helpers import assert_num_queries, count_queries

LOGIN = "/connexion/"


def _stamp_reads(queries: CaptureQueriesContext) -> int:
    return sum("routingversion" in query["sql"] for query in queries.captured_queries)


def _a_slow_step_passes() -> None:
    # What provisioning a commune or printing 30 cards does on a loaded machine, without
    # waiting: the stamp was last read longer ago than its interval.
    host_cache._checked_at -= settings.ENT_ROUTING_STAMP_SECONDS + 1


def test_after_a_slow_step_a_plain_count_includes_the_stamp_and_the_helper_does_not(
    tenant_client,
):
    client = tenant_client("bordeaux")
    assert client.get(LOGIN).status_code == 200  # warm: the stamp is read

    _a_slow_step_passes()
    with CaptureQueriesContext(connection) as plain:
        client.get(LOGIN)
    _a_slow_step_passes()
    with count_queries() as pinned:
        client.get(LOGIN)

    assert _stamp_reads(plain) == 1
    assert _stamp_reads(pinned) == 0
    # The re-read may also bring the connection's SET search_path forward: one query or two.
    assert len(plain) > len(pinned)


def test_the_first_request_of_a_test_always_reads_the_stamp(tenant_client):
    # host_cache is cleared before every test: the helper does not hide this read, so a count
    # that includes it includes it on every machine.
    with count_queries() as queries:
        assert tenant_client("bordeaux").get(LOGIN).status_code == 200

    assert _stamp_reads(queries) == 1


def test_a_wrong_count_fails_and_lists_the_queries(tenant_client):
    client = tenant_client("bordeaux")
    client.get(LOGIN)
    with count_queries() as queries:
        client.get(LOGIN)
    executed = len(queries)

    with pytest.raises(AssertionError, match=rf"{executed} queries instead of {executed + 1}"):
        with assert_num_queries(executed + 1):
            client.get(LOGIN)
    with assert_num_queries(executed):
        client.get(LOGIN)
