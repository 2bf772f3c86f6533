import datetime as dt
from decimal import Decimal

from apps.french import formatting as f


def test_first_of_month_is_premier():
    assert f.jour_mois(dt.date(2026, 12, 1)) == "1er décembre"
    assert f.date_longue(dt.date(2026, 12, 1)) == "mardi 1er décembre 2026"
    assert f.jour_mois(dt.date(2026, 12, 2)) == "2 décembre"


def test_ordinal():
    assert f.ordinal(1) == "1er"
    assert f.ordinal(2) == "2e"


def test_month_and_datetime():
    assert f.month(dt.date(2026, 8, 3)) == "août 2026"
    moment = dt.datetime(2026, 12, 1, 14, 5, tzinfo=dt.UTC)
    assert f.datetime_fr(moment) == "1er décembre 2026 à 14 h 05"


def test_euros():
    assert f.euros(Decimal("4500")) == "4\u202f500,00\u00a0€"
    assert f.euros(Decimal("-1234567.5")) == "-1\u202f234\u202f567,50\u00a0€"
    assert f.euros(0) == "0,00\u00a0€"
    assert f.euros(Decimal("999.999")) == "1\u202f000,00\u00a0€"


def test_filters_are_builtins_in_every_template():
    from django.template import engines

    template = engines["django"].from_string("{{ d|date_longue }} {{ a|euros }} {{ n|ordinal }}")
    text = template.render({"d": dt.date(2026, 12, 1), "a": Decimal("4500"), "n": 2})
    assert text == "mardi 1er décembre 2026 4\u202f500,00\u00a0€ 2e"


def test_django_date_filter_is_french_and_no_locale_middleware():
    from django.conf import settings
    from django.template import engines

    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE
    assert [code for code, _ in settings.LANGUAGES] == ["fr"]
    template = engines["django"].from_string('{{ d|date:"j F Y" }}')
    assert template.render({"d": dt.date(2026, 11, 30)}) == "30 novembre 2026"


def test_weekday_without_year_and_seconds():
    assert f.jour_semaine(dt.date(2026, 12, 1)) == "mardi 1er décembre"
    moment = dt.datetime(2026, 12, 1, 9, 5, 7, tzinfo=dt.UTC)
    assert f.datetime_seconds_fr(moment) == "1er décembre 2026 à 9 h 05 min 07 s"


def test_number_groups_like_euros_without_the_sign():
    assert f.number(Decimal("1234.5")) == "1\u202f234,50"
    assert f.number(Decimal("20")) == "20,00"
    assert f.number(Decimal("-1092.7741935"), 6) == "-1\u202f092,774194"
    assert f.number(7, 0) == "7"


def test_the_new_filters_and_an_aware_datetime_shown_in_paris_time():
    from django.template import engines

    template = engines["django"].from_string(
        "{{ d|jour_semaine }} | {{ m|date_heure }} | {{ m|date_heure_secondes }} | {{ q|nombre }}"
    )
    moment = dt.datetime(2026, 12, 1, 13, 5, 9, tzinfo=dt.UTC)  # 14:05:09 in Paris
    text = template.render({"d": dt.date(2026, 12, 1), "m": moment, "q": Decimal("1105")})
    assert text == (
        "mardi 1er décembre | 1er décembre 2026 à 14 h 05 | "
        "1er décembre 2026 à 14 h 05 min 09 s | 1\u202f105,00"
    )


def test_de_elides_and_contracts_before_names():
    from apps.french.formatting import de

    assert de("Eysines") == "d'Eysines"
    assert de("Élise Martin") == "d'Élise Martin"
    assert de("Le Bouscat") == "du Bouscat"
    assert de("Les Andelys") == "des Andelys"
    assert de("Bordeaux") == "de Bordeaux"
    assert de("Hugues Petit") == "de Hugues Petit"
    assert de("La Teste-de-Buch") == "de La Teste-de-Buch"


def test_waited_reads_as_a_moderator_says_it():
    from datetime import timedelta

    assert f.waited(timedelta(seconds=30)) == "moins d'une minute"
    assert f.waited(timedelta(minutes=1)) == "1 minute"
    assert f.waited(timedelta(minutes=12)) == "12 minutes"
    assert f.waited(timedelta(hours=3, minutes=5)) == "3 h 05"
    assert f.waited(timedelta(days=2, hours=1)) == "2 jours"
