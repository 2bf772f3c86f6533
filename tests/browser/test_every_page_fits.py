"""Every page the teacher, the parent and the commune administrator reach from their home page,
in Chromium at a 390×844 phone and a 1280×800 screen: nothing wider than the window, and
axe-core finds no serious or critical violation.

The pages are those of the crawl (``tests.journeys.crawl``), one of each kind, found before the
browser starts in a throw-away commune seeded with the demo (its schema is dropped afterwards):
a new service is covered as soon as a page of these roles links it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from apps.accounts.models import User
from provisioning.demo_people import DEMO_PASSWORD, seed_demo
from provisioning.services import provision_commune
from tenants.db import use_public_schema
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PAGE_TIMEOUT_MS, check_accessibility
from tests.journeys.crawl import crawl

pytestmark = pytest.mark.browser

SLUG = "parcours"
ROLES = {"enseignant": "enseignant.demo", "parent": "parent.demo", "admin": "admin.demo"}
SIZES = {"telephone": (390, 844), "ecran": (1280, 800)}


# The outermost elements that stick out on the right, to say what widens the page.
WIDEST_ELEMENTS = """() => {
  const out = [];
  const clipped = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    const right = el.getBoundingClientRect().right;
    if (right > window.innerWidth + 1 && !clipped(el) && !out.some((o) => o.el.contains(el))) {
      out.push({el, right});
    }
  }
  return out.slice(0, 3).map((o) => o.el.tagName.toLowerCase() + "." + o.el.className +
    " " + Math.round(o.right) + "px").join(", ");
}"""


@dataclass(frozen=True)
class RolePages:
    username: str
    totp_key: bytes | None
    # One URL of each kind of page, in the order the walk found them.
    urls: list[str]


def _one_of_each_kind(client: Client, host: str) -> list[str]:
    # What the pages say is the crawl test's business; here only which pages there are.
    result = crawl(client, host=host, urlconf="config.urls_tenants")
    kinds: dict[str, str] = {}
    for visit in result.html_pages():
        kinds.setdefault(visit.route, visit.url)
    return list(kinds.values())


@pytest.fixture
def pages(transactional_db: None) -> Iterator[dict[str, RolePages]]:
    commune = provision_commune(name="Parcours", insee="33997", slug=SLUG, status="active").commune
    host = f"{SLUG}.{settings.ENT_BASE_DOMAIN}"
    try:
        seed_demo(communes=[commune], named_in=SLUG)
        found = {}
        with schema_context(commune.schema_name):
            for role, username in ROLES.items():
                user = User.objects.get(username=username)
                device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
                client = Client(HTTP_HOST=host)
                client.force_login(user)
                if device is not None:
                    session = client.session
                    session["otp_device_id"] = device.persistent_id
                    session.save()
                found[role] = RolePages(
                    username=username,
                    totp_key=device.bin_key if device is not None else None,
                    urls=_one_of_each_kind(client, host),
                )
        yield found
    finally:
        use_public_schema()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{commune.schema_name}" CASCADE')


def _log_in(browser: Any, base_url: str, who: RolePages, size: tuple[int, int]) -> Any:
    width, height = size
    context = browser.new_context(
        locale="en-US", base_url=base_url, viewport={"width": width, "height": height}
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(who.username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    if who.totp_key is not None:
        page.wait_for_url(re.compile(r"/connexion/code/"))
        page.locator("input[name=code]").fill(f"{totp(who.totp_key):06d}")
        page.get_by_role("button", name="Valider").click()
    page.wait_for_url(re.compile(r"/$"))
    return page


def _walk_one_role(
    base_url: str, role: str, who: RolePages, artifacts: Path
) -> tuple[list[str], int]:
    """One role's pages at both sizes in a Chromium of its own: the pages that stick out, and
    how many pages were checked. Run in a thread of its own (Playwright's sync API keeps one
    event loop per thread), beside the other roles: while one browser runs axe-core, the
    server draws another's page, on a machine of two cores."""
    from playwright import sync_api

    too_wide = []
    checked = 0
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            # One login per role: a second one within the same 30 s would replay the TOTP
            # code, which django-otp rightly refuses.
            page = _log_in(browser, base_url, who, SIZES["telephone"])
            for number, url in enumerate(who.urls):
                # Each page once, then looked at in both sizes: the window is resized, the
                # page's own CSS lays it out again, as a phone turned or a window narrowed.
                phone_width, phone_height = SIZES["telephone"]
                page.set_viewport_size({"width": phone_width, "height": phone_height})
                page.goto(url)
                for size_name, (width, height) in SIZES.items():
                    page.set_viewport_size({"width": width, "height": height})
                    label = f"{role}-{size_name}-{number:02d}"
                    widths = page.evaluate(
                        "() => [document.documentElement.scrollWidth, window.innerWidth]"
                    )
                    if widths[0] > widths[1]:
                        culprits = page.evaluate(WIDEST_ELEMENTS)
                        too_wide.append(
                            f"{role} {size_name} {url}: {widths[0]} px > {widths[1]} px "
                            f"({culprits})"
                        )
                        page.screenshot(
                            path=str(artifacts / f"{label}-trop-large.png"), full_page=True
                        )
                    # Only what fails is photographed: a full-page shot of every page took a
                    # good share of the suite's time.
                    check_accessibility(page, f"{label} {url}")
                    checked += 1
        finally:
            browser.close()
    return too_wide, checked


def test_every_page_of_three_roles_fits_a_phone_and_passes_axe(
    pages: dict[str, RolePages], live_server: Any, artifacts: Path
) -> None:
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} not found: install Debian's chromium package"
    port = live_server.url.rsplit(":", 1)[1].rstrip("/")
    base_url = f"http://{SLUG}.{settings.ENT_BASE_DOMAIN}:{port}"
    for role, who in pages.items():
        assert len(who.urls) >= 4, f"{role}: the walk found almost nothing: {who.urls}"
    with ThreadPoolExecutor(max_workers=len(pages)) as pool:
        walks = [
            pool.submit(_walk_one_role, base_url, role, who, artifacts)
            for role, who in pages.items()
        ]
        # An axe-core failure in one role's walk is raised here, as it was raised there.
        results = [walk.result() for walk in walks]
    too_wide = [line for lines, _ in results for line in lines]
    checked = sum(count for _, count in results)
    assert not too_wide, "pages wider than the window:\n" + "\n".join(too_wide)
    assert checked >= 2 * 12
