"""Browser tests: headless Debian Chromium driven by Playwright (sync API) against pytest-django's
``live_server``.

Chromium is the machine's ``/usr/bin/chromium`` (``make test`` installs Debian's package when
it runs as root); Playwright's own browser downloads are never used. Without Chromium or the
``playwright`` package the browser tests are skipped with the reason.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
# Each Playwright wait (navigation, a locator, an expectation) returns as soon as its
# condition holds; this is only how long a loaded machine (several test runs on two cores)
# may take before a wait counts as a failure.
PAGE_TIMEOUT_MS = 30_000
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # *.localhost is loopback in Chromium already; say so, so that IPv6 never comes into it.
    "--host-resolver-rules=MAP *.ent.localhost 127.0.0.1",
]


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    """Chromium for one test. Playwright's sync API runs an event loop in this thread, and
    Django refuses database work while one runs: ask for the data fixtures before this one so
    that they are built before Chromium starts and torn down after it stops."""
    # No skipping for want of a browser: `make test` installs Debian's chromium.
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} not found: install Debian's chromium package"
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


# Only the violations come back whole: the nodes of every passed rule, serialised out of the
# page for each check, were most of a page's checking time.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return {passes: result.passes.length, violations: result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html,
                                 failureSummary: n.failureSummary})),
  }))};
}"""


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def check_accessibility(page: Any, label: str) -> None:
    """Run axe-core on the page; fail on any "serious" or "critical" violation."""
    # Evaluated, not added as a <script> tag: the page's Content-Security-Policy blocks inline
    # scripts, and Playwright's evaluation is outside the page's policy.
    page.evaluate(_axe_source())
    result = page.evaluate(AXE_RUN)
    found = [(v["id"], v["impact"]) for v in result["violations"]]
    print(f"axe-core on {label}: {result['passes']} rules passed, violations: {found}")
    bad = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
    if bad:
        lines = [f"axe-core: {len(bad)} serious/critical violation(s) on {label} ({page.url}):"]
        for violation in bad:
            lines.append(
                f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
                f"({violation['helpUrl']})"
            )
            for node in violation["nodes"]:
                lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                if summary:
                    lines.append(f"      {summary}")
        message = "\n".join(lines)
        print(message)
        pytest.fail(message, pytrace=False)
