"""Login throttling beyond django-axes: per address (IPv6 by /64) and per username from any
address; a school behind one NAT still logs in.

The rate-limit counters start empty and their windows do not end during a test
(``tests/security/conftest.py`` freezes the limiter's clock 5 seconds into a window).
"""

from __future__ import annotations

import html

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import Profile
from apps.accounts.security import ratelimit
from tests.security.conftest import FROZEN_NOW
from tests.security.helpers import ADULT_PASSWORD, PUPIL_PASSWORD, enrol, log_in, make_user

SCHOOL_NAT = "203.0.113.10"


def _first_refusal(responses) -> int | None:
    """The 1-based index of the first 429 answer, if any."""
    return next((i for i, r in enumerate(responses, start=1) if r.status_code == 429), None)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _logged_in(client) -> bool:
    with schema_context("bordeaux"):
        return "_auth_user_id" in client.session


# --- the limiter itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "bucket"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("", "inconnue"),
        (None, "inconnue"),
        ("pas-une-adresse", "inconnue"),
    ],
)
def test_addresses_are_counted_by_ipv4_address_and_by_ipv6_64(address, bucket):
    assert ratelimit.address_bucket(address) == bucket


def test_a_counter_refuses_past_its_limit_and_weighs_costs(db):
    rate = ratelimit.Rate(name="essai", limit=5, window=600)

    assert [ratelimit.hit(rate, "k").allowed for _ in range(5)] == [True] * 5
    over = ratelimit.hit(rate, "k")
    assert not over.allowed and over.count == 6
    # 5 seconds into the window: 595 seconds left.
    assert over.retry_after == 595
    assert ratelimit.hit(rate, "autre", cost=5).allowed
    assert not ratelimit.hit(rate, "autre").allowed
    assert ratelimit.peek(rate, "k").count == 6 and ratelimit.peek(rate, "rien").count == 0


def test_a_new_window_starts_a_new_count(db, monkeypatch):
    rate = ratelimit.Rate(name="essai", limit=1, window=600)
    ratelimit.hit(rate, "k")
    assert not ratelimit.hit(rate, "k").allowed

    monkeypatch.setattr(ratelimit, "now", lambda: FROZEN_NOW + 600)

    assert ratelimit.hit(rate, "k").allowed


# --- per address: password spraying ------------------------------------------------------------


def test_spraying_50_accounts_from_one_address_is_refused_before_the_end(tenant_client):
    usernames = [f"eleve{i:02d}.test" for i in range(50)]
    for username in usernames:
        make_user("bordeaux", username, Profile.PUPIL)
    attacker = tenant_client("bordeaux", REMOTE_ADDR=SCHOOL_NAT)

    responses = [log_in(attacker, username, "soleil123") for username in usernames]

    first = _first_refusal(responses)
    assert first is not None and first < 50
    # Past the limit, everything from that address is refused, whichever account.
    assert all(r.status_code == 429 for r in responses[first - 1 :])
    refused = responses[first - 1]
    assert refused["Retry-After"] == "595"  # the 10-minute window, 5 seconds in
    page = _text(refused)
    assert "Trop d'essais de connexion depuis votre réseau" in page
    assert "Réessayez dans 10 minutes." in page
    # Another network is not concerned.
    elsewhere = tenant_client("bordeaux", REMOTE_ADDR="192.0.2.50")
    assert log_in(elsewhere, usernames[0], PUPIL_PASSWORD).status_code == 302


def test_unknown_usernames_are_sprayed_no_further(tenant_client):
    attacker = tenant_client("bordeaux", REMOTE_ADDR=SCHOOL_NAT)

    responses = [log_in(attacker, f"inconnu{i}", "soleil123") for i in range(50)]

    first = _first_refusal(responses)
    assert first is not None and first < 50


def test_addresses_of_one_ipv6_64_share_a_counter(tenant_client):
    make_user("bordeaux", "lea.martin", Profile.PUPIL)
    responses = [
        log_in(
            tenant_client("bordeaux", REMOTE_ADDR=f"2001:db8:1:2:{i:x}::{i + 1:x}"),
            f"inconnu{i}",
            "soleil123",
        )
        for i in range(50)
    ]

    first = _first_refusal(responses)
    assert first is not None and first < 50
    same_64 = tenant_client("bordeaux", REMOTE_ADDR="2001:db8:1:2:abcd::1")
    assert log_in(same_64, "lea.martin", PUPIL_PASSWORD).status_code == 429
    next_64 = tenant_client("bordeaux", REMOTE_ADDR="2001:db8:1:3::1")
    assert log_in(next_64, "lea.martin", PUPIL_PASSWORD).status_code == 302


def test_the_first_login_page_counts_on_the_same_address_budget(tenant_client):
    attacker = tenant_client("bordeaux", REMOTE_ADDR=SCHOOL_NAT)

    responses = [
        attacker.post(
            "/premiere-connexion/",
            {
                "username": f"inconnu{i}",
                "activation_code": "ABCD-EFGH",
                "new_password1": "lapin7",
                "new_password2": "lapin7",
            },
        )
        for i in range(50)
    ]

    first = _first_refusal(responses)
    assert first is not None and first < 50
    assert "depuis votre réseau" in _text(responses[-1])
    # The login page shares that address's budget.
    assert log_in(attacker, "quelquun", "x").status_code == 429


def test_counters_of_one_commune_do_not_reach_another(tenant_client):
    make_user("pessac", "lea.martin", Profile.PUPIL)
    attacker = tenant_client("bordeaux", REMOTE_ADDR=SCHOOL_NAT)
    responses = [log_in(attacker, f"inconnu{i}", "soleil123") for i in range(50)]
    assert _first_refusal(responses) is not None

    pessac = tenant_client("pessac", REMOTE_ADDR=SCHOOL_NAT)

    assert log_in(pessac, "lea.martin", PUPIL_PASSWORD).status_code == 302


# --- a school behind one NAT -------------------------------------------------------------------


def test_thirty_pupils_log_in_from_one_address_even_with_a_typo_each(tenant_client):
    pupils = [f"eleve{i:02d}.cm1" for i in range(30)]
    for username in pupils:
        make_user("bordeaux", username, Profile.PUPIL)

    for username in pupils:
        client = tenant_client("bordeaux", REMOTE_ADDR=SCHOOL_NAT)
        assert log_in(client, username, "chat24").status_code == 200  # a typo
        assert log_in(client, username, PUPIL_PASSWORD).status_code == 302, username
        assert _logged_in(client)


def test_a_successful_login_costs_one_unit_of_the_address_budget(tenant_client, settings):
    # 299 units already spent: the 300th (a successful login) passes, the 301st is refused.
    limit, window = settings.ENT_RATE_LIMITS["login_address"]
    make_user("bordeaux", "lea.martin", Profile.PUPIL)
    rate = ratelimit.Rate(name=ratelimit.LOGIN_ADDRESS, limit=limit, window=window)
    with schema_context("bordeaux"):
        ratelimit.hit(rate, SCHOOL_NAT, cost=limit - 1)
    client = tenant_client("bordeaux", REMOTE_ADDR=SCHOOL_NAT)

    assert log_in(client, "lea.martin", PUPIL_PASSWORD).status_code == 302
    assert log_in(tenant_client("bordeaux", REMOTE_ADDR=SCHOOL_NAT), "lea.martin").status_code == (
        429
    )


# --- per username, from any address ----------------------------------------------------------


def _guess_from_many_addresses(tenant_client, username: str, addresses: list[str]):
    return [
        log_in(tenant_client("bordeaux", REMOTE_ADDR=address), username, "soleil123")
        for address in addresses
    ]


def test_one_account_attacked_from_50_addresses_is_slowed_down(tenant_client):
    make_user("bordeaux", "m.durand")
    addresses = [f"198.51.100.{i}" for i in range(1, 51)]

    responses = _guess_from_many_addresses(tenant_client, "m.durand", addresses)

    first = _first_refusal(responses)
    assert first is not None and first < 50
    assert all(r.status_code == 429 for r in responses[first - 1 :])
    page = _text(responses[-1])
    assert "Trop d'essais de connexion avec cet identifiant" in page
    assert responses[-1]["Retry-After"] == "895"  # the 15-minute window, 5 seconds in
    # Even the right password, from an address never seen, waits for the end of the window.
    fresh = tenant_client("bordeaux", REMOTE_ADDR="192.0.2.99")
    assert log_in(fresh, "m.durand", ADULT_PASSWORD).status_code == 429
    assert not _logged_in(fresh)
    # Other accounts are not concerned.
    make_user("bordeaux", "p.dupont")
    assert log_in(fresh, "p.dupont", ADULT_PASSWORD).status_code == 302


def test_one_account_attacked_from_50_ipv6_networks_is_slowed_down(tenant_client):
    make_user("bordeaux", "m.durand")
    addresses = [f"2001:db8:{i:x}::1" for i in range(1, 51)]

    responses = _guess_from_many_addresses(tenant_client, "m.durand", addresses)

    first = _first_refusal(responses)
    assert first is not None and first < 50


def test_an_unknown_username_is_slowed_down_the_same_way(tenant_client):
    make_user("bordeaux", "m.durand")
    addresses = [f"198.51.100.{i}" for i in range(1, 51)]
    known = _guess_from_many_addresses(tenant_client, "m.durand", addresses)
    unknown = _guess_from_many_addresses(tenant_client, "personne.inconnue", addresses)

    assert _first_refusal(known) == _first_refusal(unknown)
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert known[-1].content == unknown[-1].content
    assert known[-1]["Retry-After"] == unknown[-1]["Retry-After"]


def test_the_username_counter_ignores_case_and_spaces(tenant_client):
    make_user("bordeaux", "m.durand")
    variants = ["m.durand", "M.Durand", " m.durand ", "M.DURAND"]
    addresses = [f"198.51.100.{i}" for i in range(1, 51)]

    responses = [
        log_in(tenant_client("bordeaux", REMOTE_ADDR=address), variants[i % 4], "soleil123")
        for i, address in enumerate(addresses)
    ]

    assert _first_refusal(responses) is not None


def test_wrong_activation_codes_count_for_the_username(tenant_client):
    addresses = [f"198.51.100.{i}" for i in range(1, 51)]

    responses = [
        tenant_client("bordeaux", REMOTE_ADDR=address).post(
            "/premiere-connexion/",
            {
                "username": "lea.martin",
                "activation_code": f"CODE{i}",
                "new_password1": "lapin7",
                "new_password2": "lapin7",
            },
        )
        for i, address in enumerate(addresses)
    ]

    first = _first_refusal(responses)
    assert first is not None and first < 50
    assert "avec cet identifiant" in _text(responses[-1])
    # The password page refuses that username as well.
    assert log_in(tenant_client("bordeaux"), "lea.martin", "x").status_code == 429


def test_a_login_not_attempted_is_not_a_failure(tenant_client):
    make_user("bordeaux", "m.durand")
    addresses = [f"198.51.100.{i}" for i in range(1, 51)]

    # An empty password is a slip, not a guess: nothing is counted for the username.
    for address in addresses:
        client = tenant_client("bordeaux", REMOTE_ADDR=address)
        assert log_in(client, "m.durand", "").status_code == 200

    assert log_in(tenant_client("bordeaux"), "m.durand").status_code == 302


def test_wrong_second_factor_codes_count_for_the_username(tenant_client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    teacher = make_user("bordeaux", "m.durand")
    enrol("bordeaux", teacher)
    answers: list[int | None] = []
    for i in range(1, 31):
        client = tenant_client("bordeaux", REMOTE_ADDR=f"198.51.100.{i}")
        if log_in(client, "m.durand").status_code != 302:
            answers.append(None)  # the password step already refuses the username
            continue
        answers.append(client.post("/connexion/code/", {"code": "000000"}).status_code)

    # One failure per address (axes never locks), yet after the username's 20 failures its
    # password step refuses it, from any address.
    limit = settings.ENT_RATE_LIMITS["login_account"][0]
    assert answers == [200] * limit + [None] * (30 - limit)
    assert log_in(tenant_client("bordeaux", REMOTE_ADDR="192.0.2.99"), "m.durand").status_code == (
        429
    )


def test_a_forwarded_for_header_from_the_client_changes_nothing(tenant_client):
    # The address is REMOTE_ADDR (set by uvicorn from nginx's header, behind the proxy): a
    # client sending its own X-Forwarded-For is still counted on its own address.
    responses = [
        tenant_client(
            "bordeaux", REMOTE_ADDR=SCHOOL_NAT, HTTP_X_FORWARDED_FOR=f"192.0.2.{i + 1}"
        ).post("/connexion/", {"username": f"inconnu{i}", "password": "soleil123"})
        for i in range(50)
    ]

    first = _first_refusal(responses)
    assert first is not None and first < 50


def test_without_the_cache_logins_go_on(tenant_client, monkeypatch):
    # Redis down: the limiter lets everything through (and logs it) rather than answer 500.
    make_user("bordeaux", "lea.martin", Profile.PUPIL)

    def unavailable(*args, **kwargs):
        raise ConnectionError("Redis injoignable")

    monkeypatch.setattr(ratelimit.cache, "add", unavailable)
    monkeypatch.setattr(ratelimit.cache, "get", unavailable)
    client = tenant_client("bordeaux", REMOTE_ADDR=SCHOOL_NAT)

    assert log_in(client, "lea.martin", "chat24").status_code == 200
    assert log_in(client, "lea.martin", PUPIL_PASSWORD).status_code == 302
