"""Login cards of a class: the PDF and the CSV export, who gets a card, what it says."""

from __future__ import annotations

import csv
import io
import unicodedata

import pypdf
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.cards.issue import CardHolders, classroom_login_cards
from apps.accounts.cards.qr import qr_svg
from apps.accounts.lifecycle import ACTIVATION_ALPHABET
from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.audit.models import AuditEvent
from apps.french.formatting import de
from apps.qrlogin.models import QrLoginToken
from tenants.models import Commune
from tests.cards.conftest import build_class_world


def pdf_text(content: bytes) -> tuple[str, int]:
    """All the text of a PDF, NFKC-normalised (ligatures such as "ﬁ" become "fi")."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFKC", text), len(reader.pages)


def users(world_users: list[User]) -> list[User]:
    with schema_context("bordeaux"):
        return list(User.objects.filter(pk__in=[u.pk for u in world_users]).order_by("pk"))


def post_cards(client, classroom, **fields):
    data = {"audience": "pupils", "file_format": "pdf", **fields}
    return client.post(f"/classes/{classroom.pk}/cartes/", data)


def test_the_pdf_holds_the_logins_and_codes_of_the_class_and_nothing_of_another(world, login_as):
    response = post_cards(login_as(world["t1"]), world.classes["A1"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="cartes-a1-eleves.pdf"'
    text, pages = pdf_text(response.content)
    assert pages == 1
    assert "ENT de Bordeaux".upper() in text.upper()
    assert "https://bordeaux.ent.localhost/premiere-connexion/" in text.replace("\n", "")
    for pupil in users(world.pupils["A1"]):
        assert pupil.username in text
        assert pupil.activation_code in text
        assert pupil.first_name in text
    assert "A1 — École des Chartrons" in text
    for other in users(world.pupils["A2"] + world.pupils["B1"] + list(world.parents.values())):
        assert other.username not in text
        assert other.activation_code not in text


def test_eight_cards_a_page(db, login_as):
    with schema_context("bordeaux"):
        world = build_class_world(a1_pupils=17)

    response = post_cards(login_as(world["t1"]), world.classes["A1"])

    text, pages = pdf_text(response.content)
    assert pages == 3
    assert all(pupil.username in text for pupil in world.pupils["A1"])


def test_parents_cards_name_their_children(world, login_as):
    response = post_cards(login_as(world["t1"]), world.classes["A1"], audience="parents")

    assert response["Content-Disposition"] == 'attachment; filename="cartes-a1-parents.pdf"'
    text, _pages = pdf_text(response.content)
    for pupil in users(world.pupils["A1"]):
        parent = users([world.parents[pupil.pk]])[0]
        assert parent.username in text and parent.activation_code in text
        assert f"Responsable de {pupil.display_name}" in text
        assert pupil.activation_code not in text


def test_activated_accounts_get_no_card_unless_codes_are_reissued(world, login_as):
    first, second, third = world.pupils["A1"]
    with schema_context("bordeaux"):
        User.objects.filter(pk__in=[first.pk, second.pk]).update(
            activated_at=timezone.now(), activation_code=""
        )
        done = User.objects.get(pk=first.pk)
        done.set_password("un mot de passe choisi")
        done.save()
    client = login_as(world["t1"])

    text, _pages = pdf_text(post_cards(client, world.classes["A1"]).content)
    assert third.username in text
    assert first.username not in text and second.username not in text
    assert users([third])[0].activation_code == third.activation_code  # printed, not replaced

    text, _pages = pdf_text(post_cards(client, world.classes["A1"], reissue="on").content)
    after = users([first, second, third])
    for pupil in after:
        assert pupil.username in text and pupil.activation_code in text
        assert pupil.activated_at is None and not pupil.has_usable_password()
    assert after[2].activation_code != third.activation_code
    with schema_context("bordeaux"):
        event = AuditEvent.objects.filter(action="cards.printed").latest("at")
    assert event.details == {
        "classroom": world.classes["A1"].pk,
        "audience": "pupils",
        "format": "pdf",
        "reissue": True,
        "cards": 3,
        "codes_issued": 3,
        "qr_tokens_issued": 0,
    }


def test_when_everyone_is_activated_the_page_says_so_instead_of_an_empty_pdf(world, login_as):
    with schema_context("bordeaux"):
        User.objects.filter(pk__in=[p.pk for p in world.pupils["A1"]]).update(
            activated_at=timezone.now(), activation_code=""
        )
    client = login_as(world["t1"])

    response = post_cards(client, world.classes["A1"])

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Aucune carte" in page


def test_blocked_and_departed_accounts_get_no_card(world, login_as):
    first, second, _third = world.pupils["A1"]
    with schema_context("bordeaux"):
        User.objects.filter(pk=first.pk).update(blocked_at=timezone.now())
        User.objects.filter(pk=second.pk).update(left_at=timezone.now(), is_active=False)

    text, _pages = pdf_text(
        post_cards(login_as(world["t1"]), world.classes["A1"], reissue="on").content
    )

    assert first.username not in text and second.username not in text


def test_the_csv_export_opens_in_excel(world, login_as):
    with schema_context("bordeaux"):
        User.objects.filter(pk=world.pupils["A1"][0].pk).update(last_name="=HYPERLINK()")

    response = post_cards(login_as(world["t1"]), world.classes["A1"], file_format="csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="codes-a1-eleves.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["nom", "prénom", "classe", "identifiant", "code"]
    expected = [
        [p.last_name, p.first_name, "A1", p.username, p.activation_code]
        for p in users(world.pupils["A1"])
    ]
    expected[0][0] = "'=HYPERLINK()"
    assert sorted(rows[1:]) == sorted(expected)
    assert b"\r\n" in response.content


def test_a_teacher_of_another_class_gets_404_and_nothing_changes(world, login_as):
    before = {p.pk: p.activation_code for p in users(world.pupils["A1"])}

    response = post_cards(login_as(world["t2"]), world.classes["A1"], reissue="on")

    assert response.status_code == 404
    assert {p.pk: p.activation_code for p in users(world.pupils["A1"])} == before
    with schema_context("bordeaux"):
        assert not AuditEvent.objects.filter(action__startswith="cards.").exists()


def test_the_director_and_the_administrator_print_cards_of_any_class_of_theirs(world, login_as):
    assert post_cards(login_as(world["dA"]), world.classes["A2"]).status_code == 200
    assert post_cards(login_as(world["adm"]), world.classes["B1"]).status_code == 200
    assert post_cards(login_as(world["dA"]), world.classes["B1"]).status_code == 404


def test_cards_cannot_be_fetched_with_get(world, login_as):
    response = login_as(world["t1"]).get(f"/classes/{world.classes['A1'].pk}/cartes/")

    assert response.status_code == 405


def test_adult_and_elementaire_cards_carry_the_first_login_link(world, login_as):
    with schema_context("bordeaux"):
        commune = Commune.objects.get(slug="bordeaux")
        teacher = User.objects.get(pk=world["t1"].pk)
        batch = classroom_login_cards(
            actor=actor_for(teacher),
            issued_by=teacher,
            commune=commune,
            classroom=world.classes["A1"],
            holders=CardHolders.PUPILS,
            reissue=False,
            qr_login=True,
            file_format="pdf",
        )

    card = batch.cards[0]
    assert card.qr_url == (
        f"https://bordeaux.ent.localhost/premiere-connexion/?identifiant={card.login}"
    )
    assert not card.qr_login
    assert card.qr_svg == qr_svg(
        card.qr_url, label=f"QR code de la première connexion {de(card.display_name)}"
    )
    assert card.qr_svg.startswith("<svg") and 'width="30mm"' in card.qr_svg
    assert len(card.code) == 8 and set(card.code) <= set(ACTIVATION_ALPHABET)


def test_maternelle_cards_carry_each_pupils_qr_login_link(maternelle_world, login_as):
    world = maternelle_world
    client = login_as(world["t1"])

    first = post_cards(client, world.classes["A1"])
    again = post_cards(client, world.classes["A1"])

    assert first.status_code == 200
    # Every pupil got a token with the first print; the second prints nobody.
    assert again.status_code == 302
    with schema_context("bordeaux"):
        live = QrLoginToken.objects.filter(revoked_at__isnull=True)
        assert sorted(live.values_list("pupil_id", flat=True)) == sorted(
            p.pk for p in world.pupils["A1"]
        )
        assert not QrLoginToken.objects.filter(pupil__in=world.pupils["A2"]).exists()
    text, _pages = pdf_text(first.content)
    assert "Scanner pour se connecter" in text
    # The CSV export of a maternelle class lists the codes and never touches the tokens.
    exported = post_cards(client, world.classes["A1"], file_format="csv")
    assert exported.status_code == 200
    with schema_context("bordeaux"):
        assert QrLoginToken.objects.count() == 3


def test_maternelle_card_links_log_the_pupil_in(maternelle_world, tenant_client):
    world = maternelle_world
    with schema_context("bordeaux"):
        commune = Commune.objects.get(slug="bordeaux")
        teacher = User.objects.get(pk=world["t1"].pk)
        batch = classroom_login_cards(
            actor=actor_for(teacher),
            issued_by=teacher,
            commune=commune,
            classroom=world.classes["A1"],
            holders=CardHolders.PUPILS,
            reissue=False,
            qr_login=True,
            file_format="pdf",
        )
    card = batch.cards[0]
    assert card.qr_login
    assert card.qr_url.startswith("https://bordeaux.ent.localhost/qr/")

    response = tenant_client("bordeaux").get(
        card.qr_url.removeprefix("https://bordeaux.ent.localhost")
    )

    assert response.status_code == 302
