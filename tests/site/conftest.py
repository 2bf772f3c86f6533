"""The browser fixtures (Chromium, the screenshots' folder) for the school site's browser test."""

from tests.browser.conftest import artifacts, browser  # noqa: F401
