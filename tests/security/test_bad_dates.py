"""Regression tests of the bad input that used to answer 500: dates out of Python's calendar
(or out of the ENT's bounds) in a URL, a query string, a form or an API payload, entries stored
with such dates, and control characters or invalid UTF-8 in a URL or a form.

Path parts answer 404, query strings 400 with a French message, forms their field's error;
nothing is written.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django_tenants.utils import schema_context

from apps import dates
from apps.homework.models import HomeworkEntry, HomeworkOccurrence
from tests.conftest import host_for
from tests.homework.conftest import MONDAY, entry
from tests.world import World, log_in

OUT_OF_BOUNDS = ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"]


@pytest.fixture
def hostile(tenant_client):
    """``hostile(world, name)``: that person's client; a server error comes back as a 500
    response instead of being raised in the test."""

    def make(world: World, name: str) -> Client:
        return log_in(
            lambda slug: Client(HTTP_HOST=host_for(slug), raise_request_exception=False),
            world.schema,
            world[name],
        )

    return make


def text(response) -> str:
    return response.content.decode()


# --- apps.dates ------------------------------------------------------------------------------


def test_the_bounds_are_real_dates_with_room_around_them():
    assert dates.EARLIEST - datetime.timedelta(weeks=52) > datetime.date.min
    assert dates.LATEST + datetime.timedelta(weeks=52) < datetime.date.max


@pytest.mark.parametrize("value", [*OUT_OF_BOUNDS, "2026-02-30", "20261005", "2026-W41-1", ""])
def test_a_bad_path_date_is_404(value):
    with pytest.raises(Http404):
        dates.path_date(value)


@pytest.mark.parametrize("value", [*OUT_OF_BOUNDS, "2026-13-01", "x" * 3000, "-1"])
def test_a_bad_query_date_is_refused_in_french(value):
    with pytest.raises(dates.InvalidQueryParameter) as refused:
        dates.query_date(value, default=MONDAY, name="semaine")
    assert "« semaine » invalide" in refused.value.message


def test_good_dates_pass():
    assert dates.path_date("2026-10-05") == MONDAY
    assert dates.query_date("2026-10-05", default=dates.LATEST, name="semaine") == MONDAY
    assert dates.query_date(None, default=MONDAY, name="semaine") == MONDAY
    assert dates.query_date("", default=MONDAY, name="semaine") == MONDAY
    assert dates.parse_month("2026-10") == datetime.date(2026, 10, 1)
    dates.validate_in_bounds(dates.EARLIEST)
    dates.validate_in_bounds(dates.LATEST)


@pytest.mark.parametrize("value", ["9999-12", "0001-01", "2026-13", "2026-00", "2026", "x"])
def test_a_bad_month_is_refused_in_french(value):
    with pytest.raises(ValueError, match="Mois invalide"):
        dates.parse_month(value)


def test_the_validator_speaks_french():
    with pytest.raises(ValidationError) as refused:
        dates.validate_in_bounds(datetime.date(9999, 12, 31))
    assert "hors des limites" in refused.value.messages[0]


# --- the cahier de textes' pages -------------------------------------------------------------


@pytest.mark.parametrize("value", OUT_OF_BOUNDS)
def test_a_week_out_of_bounds_is_400_in_french(bordeaux, hostile, value):
    client = hostile(bordeaux, "t1")

    response = client.get(f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/?semaine={value}")

    assert response.status_code == 400
    assert "Paramètre « semaine » invalide" in text(response)
    assert "1er janvier 2000" in text(response)


def test_a_parents_week_out_of_bounds_is_400(bordeaux, hostile):
    response = hostile(bordeaux, "par1").get(
        f"/cahier-de-textes/enfants/{bordeaux['p1'].pk}/?semaine=9999-12-31"
    )

    assert response.status_code == 400
    assert "« semaine » invalide" in text(response)


@pytest.mark.parametrize("value", OUT_OF_BOUNDS)
def test_a_day_out_of_bounds_is_404(bordeaux, hostile, value):
    teacher, parent = hostile(bordeaux, "t1"), hostile(bordeaux, "par1")

    assert (
        teacher.get(
            f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/jour/{value}/"
        ).status_code
        == 404
    )
    assert (
        parent.get(f"/cahier-de-textes/enfants/{bordeaux['p1'].pk}/jour/{value}/").status_code
        == 404
    )


def test_an_occurrence_out_of_bounds_is_404(bordeaux, hostile):
    series = entry(bordeaux, repeat="weekly", repeat_until=MONDAY + datetime.timedelta(weeks=4))
    client = hostile(bordeaux, "t1")

    for value in OUT_OF_BOUNDS:
        assert client.get(f"/cahier-de-textes/seances/{series.pk}/le/{value}/").status_code == 404
        url = f"/cahier-de-textes/seances/{series.pk}/le/{value}/modifier/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"cancel": "1"}).status_code == 404


def test_a_new_entry_for_a_day_out_of_bounds_is_400(bordeaux, hostile):
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/"

    response = hostile(bordeaux, "t1").get(f"{url}?jour=9999-12-31")

    assert response.status_code == 400
    assert "« jour » invalide" in text(response)


@pytest.mark.parametrize("field", ["on", "due_on", "repeat_until"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_the_entry_form_refuses_dates_out_of_bounds(bordeaux, hostile, field, value):
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/"
    data = {
        "domain": "francais",
        "on": "2026-10-05",
        "done": "Le son [ou].",
        "due_on": "2026-10-08",
        "todo": "Lire",
        "repeat": "weekly",
        "repeat_until": "2026-11-30",
        "publish": "on",
        field: value,
    }

    response = hostile(bordeaux, "t1").post(url, data)

    assert response.status_code == 200
    assert "Date hors des limites" in text(response)
    with schema_context("bordeaux"):
        assert not HomeworkEntry.objects.exists()


def test_the_occurrence_form_refuses_a_due_date_out_of_bounds(bordeaux, hostile):
    series = entry(bordeaux, repeat="weekly", repeat_until=MONDAY + datetime.timedelta(weeks=4))
    url = f"/cahier-de-textes/seances/{series.pk}/le/{MONDAY.isoformat()}/modifier/"

    response = hostile(bordeaux, "t1").post(
        url, {"domain": "francais", "done": "x", "due_on": "9999-12-31", "todo": "y"}
    )

    assert response.status_code == 200
    assert "Date hors des limites" in text(response)
    with schema_context("bordeaux"):
        assert not HomeworkOccurrence.objects.exists()


def test_entries_stored_out_of_bounds_do_not_break_the_class_pages(bordeaux, hostile):
    """Written before dates were bounded: year 1 with work due in 9999, a series to 9999."""
    kept = entry(bordeaux, done="Gardée")
    lagging = entry(bordeaux, done="Décalée")
    endless = entry(bordeaux, done="Sans fin", repeat="weekly", repeat_until=MONDAY)
    with schema_context("bordeaux"):
        HomeworkEntry.objects.filter(pk=lagging.pk).update(
            on=datetime.date(1, 1, 1), due_on=datetime.date(9999, 12, 31)
        )
        HomeworkEntry.objects.filter(pk=endless.pk).update(
            on=datetime.date(1, 1, 1),
            repeat_until=datetime.date(9999, 12, 31),
            last_day=datetime.date(9999, 12, 31),
        )
    classroom = bordeaux.classes["A1"].pk
    teacher, parent = hostile(bordeaux, "t1"), hostile(bordeaux, "par1")

    week = teacher.get(f"/cahier-de-textes/classes/{classroom}/?semaine={MONDAY.isoformat()}")
    child = parent.get(
        f"/cahier-de-textes/enfants/{bordeaux['p1'].pk}/?semaine={MONDAY.isoformat()}"
    )
    api = teacher.get(f"/api/v1/homework/?classroom={classroom}&week={MONDAY.isoformat()}")

    assert week.status_code == child.status_code == api.status_code == 200
    assert "Gardée" in text(week) and "Gardée" in text(child)
    assert [row["id"] for row in api.json()] == [kept.pk]
    # The teacher can still open (and delete) them.
    assert teacher.get(f"/cahier-de-textes/seances/{lagging.pk}/modifier/").status_code == 200


# --- the API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", OUT_OF_BOUNDS)
def test_the_api_refuses_a_week_out_of_bounds(bordeaux, hostile, value):
    response = hostile(bordeaux, "t1").get(
        f"/api/v1/homework/?classroom={bordeaux.classes['A1'].pk}&week={value}"
    )

    assert response.status_code == 400
    assert "hors des limites" in response.json()["week"][0]


@pytest.mark.parametrize("field", ["on", "due_on", "repeat_until"])
def test_the_api_refuses_an_entry_out_of_bounds(bordeaux, hostile, field):
    payload = {
        "classroom": bordeaux.classes["A1"].pk,
        "domain": "eps",
        "on": "2026-10-05",
        "done": "Course",
        "due_on": "2026-10-06",
        "todo": "x",
        "repeat": "weekly",
        "repeat_until": "2026-11-30",
        field: "9999-12-31",
    }

    response = hostile(bordeaux, "t1").post(
        "/api/v1/homework/", payload, content_type="application/json"
    )

    assert response.status_code == 400
    assert "hors des limites" in response.json()[field][0]
    with schema_context("bordeaux"):
        assert not HomeworkEntry.objects.exists()


# --- billing and the dashboard ---------------------------------------------------------------


@pytest.mark.parametrize("value", ["9999-12", "0001-01", "2026-13"])
def test_a_usage_month_out_of_bounds_is_400_in_french(coordinator, base_login, value):
    client = base_login(coordinator)
    client.raise_request_exception = False

    response = client.get(f"/facturation/releves/?mois={value}")

    assert response.status_code == 400
    assert "Mois invalide" in text(response)


def test_the_cost_sharing_date_is_bounded(coordinator, base_login):
    client = base_login(coordinator)
    client.raise_request_exception = False

    response = client.get("/coordination/?amount=100&vat=20&date=9999-12-31")

    assert response.status_code == 400
    assert "Date hors des limites" in text(response)


# --- control characters and invalid UTF-8 (config.bad_input) ---------------------------------


def test_a_nul_in_a_search_is_400(bordeaux, hostile):
    response = hostile(bordeaux, "adm").get("/comptes/?q=a%00b")

    assert response.status_code == 400
    assert "Adresse invalide" in text(response)


def test_a_nul_in_an_invoice_number_is_400(bordeaux, hostile):
    client = hostile(bordeaux, "adm")

    assert client.get("/facturation/factures/F%00.pdf").status_code == 400
    assert client.post("/facturation/factures/F%00/annuler/").status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/comptes/?q=%C3%28",
        "/comptes/?q=%FF",
        "/comptes/%C3%28/",
        "/comptes/?q=a%01b",
        "/comptes/?q=a%0Ab",
        "/comptes/?q=a%7Fb",
        "/comptes/?a%00=1",
        "/comptes%00/",
    ],
)
def test_control_characters_or_invalid_utf8_in_the_url_are_400(bordeaux, hostile, url):
    response = hostile(bordeaux, "adm").get(url)

    assert response.status_code == 400
    assert "Adresse invalide" in text(response)


def test_the_api_gets_the_refusal_as_json(bordeaux, hostile):
    response = hostile(bordeaux, "t1").get("/api/v1/homework/?classroom=1%00")

    assert response.status_code == 400
    assert "Adresse invalide" in response.json()["detail"]


def test_an_ordinary_search_passes(bordeaux, hostile):
    assert hostile(bordeaux, "adm").get("/comptes/?q=Ren%C3%A9e+%C3%A9").status_code == 200


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b", "\x7f"])
def test_a_form_value_with_a_control_character_is_400_and_nothing_is_written(
    bordeaux, hostile, bad
):
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/"

    response = hostile(bordeaux, "t1").post(
        url, {"domain": "francais", "on": "2026-10-05", "done": f"Le son{bad}[ou].", "repeat": ""}
    )

    assert response.status_code == 400
    assert "caractères de contrôle" in text(response)
    with schema_context("bordeaux"):
        assert not HomeworkEntry.objects.exists()


def test_an_urlencoded_form_with_a_nul_is_400(bordeaux, hostile):
    """The test above posts multipart/form-data (the test client's default), as a form with
    files does; a plain form is urlencoded."""
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/"

    response = hostile(bordeaux, "t1").post(
        url,
        "domain=francais&on=2026-10-05&done=a%00b",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    with schema_context("bordeaux"):
        assert not HomeworkEntry.objects.exists()


def test_tabs_and_newlines_in_a_form_are_text(bordeaux, hostile):
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/"

    response = hostile(bordeaux, "t1").post(
        url,
        "domain=francais&on=2026-10-05&repeat=&publish=on&done=" + "Ligne%091%0D%0ALigne 2",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 302
    with schema_context("bordeaux"):
        assert "Ligne" in HomeworkEntry.objects.get().done


@pytest.mark.parametrize("value", ["9999-12-31", "31/12/9999", "01/01/0001"])
def test_the_billing_forms_dates_are_bounded(value):
    from tenants.billing.forms import _date_field
    from tenants.billing.usage_forms import SharedCostForm

    with pytest.raises(ValidationError, match="hors des limites"):
        _date_field("Début").clean(value)
    form = SharedCostForm({"period_start": value})
    assert not form.is_valid()
    assert "hors des limites" in form.errors["period_start"][0]
