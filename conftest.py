import os

os.environ.setdefault("PASTORAL_TESTING", "1")
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls stay synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

pytest_plugins = ["core.testing.world"]  # `shared_world()`: a module's world built once


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests marked `long` first among the tests that flush the database. pytest-django runs those after
    the others, as Django does, so a long browser journey picked up last kept one worker busy alone at the end of
    the run while the other had finished. Started first, the two workers share them. Runs after pytest-django's
    own ordering (`trylast`), and keeps it: only tests of that group move, within it."""

    def flushes(item):
        marker = item.get_closest_marker("django_db")
        transactional = bool(marker and marker.kwargs.get("transaction"))
        return transactional or "live_server" in getattr(item, "fixturenames", ())

    long, rest = [], []
    for item in items:
        (long if item.get_closest_marker("long") and flushes(item) else rest).append(item)
    if not long:
        return
    first = next((n for n, item in enumerate(rest) if flushes(item)), len(rest))
    items[:] = rest[:first] + long + rest[first:]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases; on Citus, each test's closing foreign-key check reads only the tables the
    test wrote, and the flush after a transactional test empties only the tables it changed
    (`core.testing.citus.narrow_constraint_checks`, `narrow_flush`)."""
    from django.db import connections

    from core.testing.citus import narrow_constraint_checks, narrow_flush

    with django_db_blocker.unblock():
        narrow_constraint_checks(connections["default"])
        narrow_flush(connections["default"])


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole run (Debian's package; never a downloaded build)."""
    from core.testing.browser import CHROMIUM, CHROMIUM_ARGS, chromium_available

    if not chromium_available():
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed: .ci/run must install Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser tab (own cookies) against the live test server."""
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    """Tests never write uploads into the working tree's var/ folder."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
