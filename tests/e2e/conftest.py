"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Chromium is a system package (`make browser`); Playwright never downloads a browser here.
Locally a missing Chromium skips these tests; with CI=true it fails them, because a skipped
browser suite proves nothing.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the
# database calls the tests make to set up and check state.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# With in-memory SQLite the live server hands its one shared connection to every request
# thread, and two requests at once (a lazily loaded comment thread beside a panel the
# keyboard just opened) break it: "bad parameter or other API misuse". Serve one request at a
# time; Django's plain server closes each connection after its answer, so nothing waits on a
# kept-alive socket. A real deployment has a connection per worker thread.


class SerialWSGIServer(WSGIServer):
    """Requests are served in the live server's own thread, which already holds the test's
    connection (``LiveServerThread.run`` installs it)."""

    def __init__(self, *args: Any, connections_override: object = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = SerialWSGIServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"


@pytest.fixture(autouse=True)
def migration_data(transactional_db) -> None:
    """The roles and the default rating scale come from a data migration, which a transactional
    test's flush wipes out. ``serialized_rollback`` should bring them back, but it reads the
    snapshot from the connection object, and a test elsewhere that goes through async_to_sync
    (a streamed response) can leave this context with a fresh connection object that has no
    snapshot. So: put the data back if it is missing, and give the connection its snapshot
    again so later serialized-rollback tests restore as they should.
    """
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("annotations.migrations.0002_default_scale_and_roles")
    migration.create(apps, None)
    roles = importlib.import_module("annotations.migrations.0004_publishing_chain")
    roles.grant_role_permissions(apps, None)
    if not hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not os.access(CHROMIUM, os.X_OK):
        message = (
            f"{CHROMIUM} is missing: install it with `make browser` (apt-get install chromium)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: the browser tests are required)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shots(request) -> callable:
    """``shots(page, "name")`` saves artifacts/e2e/<test>-<n>-<name>.png for a human to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))
    prefix = request.node.name.removeprefix("test_")

    def take(page, name: str, *, full_page: bool = False) -> Path:
        path = ARTIFACTS / f"{prefix}-{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def open_page(browser, live_server):
    """A signed-in page in its own browser context (its own cookies): ``open_page(user)``."""
    contexts = []

    def make(user, *, password: str | None = None):
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss())
        )
        page.js_errors = errors
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password or "pw-" + user.username)
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        return page

    yield make
    for context in contexts:
        context.close()


# Selecting text the way a person would, but by the text itself: find ``needle`` in the
# article's rendered text (as JavaScript sees it, UTF-16) and select it. The app's own
# offsets code is then checked against Python's code-point offsets, independently.
SELECT_JS = """
([needle, occurrence, rootId]) => {
  const root = document.getElementById(rootId);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = []; let full = "";
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    nodes.push([n, full.length]); full += n.data;
  }
  let at = -1;
  for (let i = 0; i <= (occurrence || 0); i++) at = full.indexOf(needle, at + 1);
  if (at < 0) throw new Error("not found: " + needle);
  const locate = (pos, isEnd) => {
    for (const [node, base] of nodes) {
      const len = node.data.length;
      if (pos < base + len || (isEnd && pos === base + len)) return [node, pos - base];
    }
    const [last, base] = nodes[nodes.length - 1];
    return [last, last.data.length];
  };
  const [sn, so] = locate(at, false); const [en, eo] = locate(at + needle.length, true);
  const range = document.createRange(); range.setStart(sn, so); range.setEnd(en, eo);
  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
  return window.workbench.selectionIn(root);
}
"""


@pytest.fixture
def select_text():
    def select(page, needle: str, occurrence: int = 0, *, root: str = "article-text") -> dict:
        """Select ``needle`` in the article, or in the text whose element id is ``root``."""
        return page.evaluate(SELECT_JS, [needle, occurrence, root])

    return select


@pytest.fixture(scope="session", autouse=True)
def warm_pipeline() -> None:
    """Adding a claim analyses it in the request (Celery is eager in tests), and the first
    load of the spaCy pipeline takes seconds on a busy machine: more than a browser
    assertion waits. A worker process has it loaded already; so does the live server here."""
    from django.conf import settings

    from annotations.nlp.pipeline import load_pipeline

    load_pipeline(settings.FACTCHECK_SPACY_MODEL)
