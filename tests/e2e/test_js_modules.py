"""The workbench's ES modules in a real browser: the offsets module on its own, against
hand-written segments, and every signed-in page loading the modules without a console error.

The offsets page is not an app page: Playwright answers one made-up URL on the live server's
origin with a static HTML page, so ``import()`` fetches the module from the live server's
static files exactly as the app does, with no view and no template involved.
"""

from __future__ import annotations

import html
import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OFFSETS_MODULE = "/static/annotations/js/offsets.js"

# CR LF line ends, astral characters (two UTF-16 units, one code point), right-to-left text,
# and segment boundaries that fall next to all of them.
TEXT = (
    "First line\r\n"
    "The 😀 index rose by 𝔘 7 percent,\r\n"
    "said 👩‍👩‍👧 officials; البطالة انخفضت إلى 4.2\r\n"
    "End."
)
# Boundaries between a CR and its LF (11, 45, 91), on both sides of astral characters (16,
# 17, 32, 33) and inside a ZWJ emoji sequence (53).
BOUNDARIES = [0, 6, 11, 12, 16, 17, 32, 33, 45, 53, 70, 91, len(TEXT)]


def segments_html(text: str, bounds: list[int]) -> str:
    """The article text as the server renders it: flat ``<span data-start>`` segments, each
    CR written as ``&#13;`` so the HTML parser keeps it."""
    spans = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        piece = html.escape(text[start:end], quote=False).replace("\r", "&#13;")
        spans.append(f'<span data-start="{start}">{piece}</span>')
    return f'<div id="article-text">{"".join(spans)}</div><p id="outside">Not the article.</p>'


# Selects by UTF-16 positions in the root's text (what JavaScript sees), then asks the
# module for code-point offsets; Python checks them against its own code-point offsets.
SELECT_AND_MEASURE_JS = """
async ([moduleUrl, cases]) => {
  const offsets = await import(moduleUrl);
  const root = document.getElementById("article-text");
  const locate = (pos) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let base = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (pos <= base + n.data.length) return [n, pos - base];
      base += n.data.length;
    }
    throw new Error("beyond the text: " + pos);
  };
  const results = [];
  for (const [from, to] of cases) {
    const range = document.createRange();
    range.setStart(...locate(from));
    range.setEnd(...locate(to));
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    results.push(offsets.selectionIn(root));
  }
  return results;
}
"""


def utf16_index(text: str, code_point_index: int) -> int:
    return len(text[:code_point_index].encode("utf-16-le")) // 2


@pytest.fixture
def offsets_page(browser, live_server):
    """A page on the live server's origin holding only hand-written article segments."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    url = live_server.url + "/__offsets-test__/"
    body = f'<!doctype html><meta charset="utf-8"><body>{segments_html(TEXT, BOUNDARIES)}</body>'
    page.route(url, lambda route: route.fulfill(content_type="text/html", body=body))
    page.goto(url)
    page.module_url = live_server.url + OFFSETS_MODULE
    yield page
    context.close()


def test_the_browser_holds_the_segments_as_the_original_text(offsets_page):
    assert offsets_page.evaluate("document.getElementById('article-text').textContent") == TEXT


def test_offsets_are_code_points_across_segments_crs_and_astral_characters(offsets_page):
    needles = [
        "First line",
        "line\r\nThe",  # across a CR LF and a segment boundary
        "😀 index",  # starts on an astral character
        "𝔘 7 percent",
        "👩‍👩‍👧 officials",  # a ZWJ sequence: five code points, eight UTF-16 units
        "البطالة انخفضت",
        "4.2\r\nEnd.",  # ends at the very end of the text
        TEXT,
    ]
    cases = []
    for needle in needles:
        start = TEXT.index(needle)
        cases.append([utf16_index(TEXT, start), utf16_index(TEXT, start + len(needle))])

    got = offsets_page.evaluate(SELECT_AND_MEASURE_JS, [offsets_page.module_url, cases])

    for needle, result in zip(needles, got, strict=True):
        start = TEXT.index(needle)
        assert result == {
            "start": start,
            "end": start + len(needle),
            "text": needle.strip(),
            "root": "article-text",
        }, needle
    assert offsets_page.js_errors == []


def test_a_selection_is_trimmed_of_surrounding_whitespace(offsets_page):
    needle = "\r\nThe 😀 index "
    start = TEXT.index(needle)
    cases = [[utf16_index(TEXT, start), utf16_index(TEXT, start + len(needle))]]

    [got] = offsets_page.evaluate(SELECT_AND_MEASURE_JS, [offsets_page.module_url, cases])

    assert got["text"] == "The 😀 index"
    assert (got["start"], got["end"]) == (start + 2, start + len(needle) - 1)


def test_offsets_at_element_boundaries_and_in_split_text_nodes(offsets_page):
    got = offsets_page.evaluate(
        """async (moduleUrl) => {
          const { pointToOffset, codePoints } = await import(moduleUrl);
          const root = document.getElementById("article-text");
          const segs = root.children;
          const atBoundaries = [0, 1, 4, segs.length].map((i) => pointToOffset(root, root, i));
          // A segment whose text is split in two nodes still counts from its data-start.
          const seg = segs[3];
          const second = seg.firstChild.splitText(1);
          const inSplit = pointToOffset(root, second, 0);
          return { atBoundaries, inSplit, start: Number(seg.dataset.start),
                   emoji: codePoints("a😀\\r\\n") };
        }""",
        offsets_page.module_url,
    )
    assert got["atBoundaries"] == [0, BOUNDARIES[1], BOUNDARIES[4], len(TEXT)]
    assert got["inSplit"] == got["start"] + 1
    assert got["emoji"] == 4


def test_no_offsets_for_an_empty_or_outside_selection(offsets_page):
    got = offsets_page.evaluate(
        """async (moduleUrl) => {
          const { selectionIn } = await import(moduleUrl);
          const root = document.getElementById("article-text");
          const sel = window.getSelection();
          const select = (node, from, to) => {
            const range = document.createRange();
            range.setStart(node, from);
            range.setEnd(node, to);
            sel.removeAllRanges();
            sel.addRange(range);
            return selectionIn(root);
          };
          const outside = document.getElementById("outside").firstChild;
          const first = root.querySelector("span").firstChild;
          return {
            collapsed: select(first, 2, 2),
            outside: select(outside, 0, 3),
            blank: select(root.querySelectorAll("span")[2].firstChild, 0, 1),  // "\\n"
          };
        }""",
        offsets_page.module_url,
    )
    assert got == {"collapsed": None, "outside": None, "blank": None}


def test_a_selection_running_out_of_the_article_is_clipped_to_it(offsets_page):
    got = offsets_page.evaluate(
        """async (moduleUrl) => {
          const { selectionIn } = await import(moduleUrl);
          const root = document.getElementById("article-text");
          const range = document.createRange();
          const last = root.lastElementChild.firstChild;
          range.setStart(last, 1);
          range.setEnd(document.getElementById("outside").firstChild, 3);
          window.getSelection().removeAllRanges();
          window.getSelection().addRange(range);
          return selectionIn(root);
        }""",
        offsets_page.module_url,
    )
    assert BOUNDARIES[-2] + 1 == TEXT.index("End.")  # the last segment is "\nEnd."
    assert got == {
        "start": TEXT.index("End."),
        "end": len(TEXT),
        "text": "End.",
        "root": "article-text",
    }


def test_signed_in_pages_load_the_modules_without_console_errors(open_page, live_server, reviewer):
    article = factories.article()
    claim = factories.claim(article, article.body.split()[0])
    page = open_page(reviewer)
    console_errors: list[str] = []
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    # (The browser's own favicon request 404s: the app has none, and that is not a script.)
    page.on(
        "response",
        lambda r: (
            failed.append(r.url) if r.status >= 400 and not r.url.endswith("/favicon.ico") else None
        ),
    )

    # The queue: the modules ran (the offsets helpers are exposed for these tests).
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    assert page.evaluate("typeof window.workbench.selectionIn") == "function"

    # The review page: review.js marked the open claim, shortcuts.js answers ?.
    page.goto(f"{live_server.url}/articles/{article.pk}/?claim={claim.pk}")
    expect(page.locator(f'#article-text [data-claims~="{claim.pk}"]').first).to_have_class(
        re.compile(r"\bcurrent\b")
    )
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_be_visible()
    page.keyboard.press("Escape")

    # The add page: article_add.js adds a source form.
    page.goto(live_server.url + "/articles/new/")
    forms = page.locator("#source-forms fieldset")
    before = forms.count()
    page.get_by_role("button", name="Add another source").click()
    expect(forms).to_have_count(before + 1)
    expect(forms.last.locator("legend")).to_have_text(f"Source {before + 1}")

    assert page.js_errors == []
    assert console_errors == []
    assert failed == []
