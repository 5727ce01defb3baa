"""Every endpoint × every caller, with a body that is valid for it: anonymous gets 401 (with
``WWW-Authenticate: Token``), an account without a role 403, and the roles what the review
page gives them — reviewers read, annotate and draft; only editors publish, send back,
withdraw and dismiss flags. Each call runs in a savepoint that is rolled back, so no row
depends on another's side effects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import resolve, reverse

from tests.api.conftest import ANON, EDITOR, NOROLE, PEOPLE, REVIEWER, STAFF, World

pytestmark = pytest.mark.django_db

Url = Callable[[World], str]
Body = Callable[[World], Any]


def everyone_with_a_role(ok: int) -> dict[str, int]:
    return {ANON: 401, NOROLE: 403, REVIEWER: ok, EDITOR: ok, STAFF: ok}


def editors_only(ok: int) -> dict[str, int]:
    return {**everyone_with_a_role(ok), REVIEWER: 403}


@dataclass(frozen=True)
class Row:
    method: str
    url: Url
    expect: dict[str, int]
    body: Body | None = None


def u(name: str, pk: Callable[[World], int] | None = None) -> Url:
    return lambda w: reverse(f"api:{name}", kwargs={"pk": pk(w)} if pk else None)


ARTICLE = lambda w: w.seed.article.pk  # noqa: E731
BUDANOV = lambda w: w.seed.budanov.pk  # noqa: E731
ATTRIBUTION = lambda w: w.seed.attribution.pk  # noqa: E731
FLAG = lambda w: w.seed.aid.flags.get().pk  # noqa: E731
DRAFT = lambda w: w.draft.pk  # noqa: E731
SUBMITTED = lambda w: w.submitted.pk  # noqa: E731
PUBLISHED = lambda w: w.published.pk  # noqa: E731
RUN = lambda w: w.seed.article.runs.get().pk  # noqa: E731


def _span(w: World, needle: str) -> dict[str, int]:
    start = w.seed.article.body.index(needle)
    return {"start": start, "end": start + len(needle)}


NEW_ARTICLE = {
    "title": "Council roads",
    "text": "The council spent $4.2 million on roads in 2025, the mayor said.\n",
    "sources": [{"name": "Audit", "text": "The road budget was $3.9 million in 2025."}],
}

ROWS: dict[str, Row] = {
    "article list": Row("GET", u("article-list"), everyone_with_a_role(200)),
    "article create": Row(
        "POST", u("article-list"), everyone_with_a_role(201), lambda w: NEW_ARTICLE
    ),
    "article detail": Row("GET", u("article-detail", ARTICLE), everyone_with_a_role(200)),
    "article claims": Row("GET", u("article-claims", ARTICLE), everyone_with_a_role(200)),
    "claim add": Row(
        "POST",
        u("article-claims", ARTICLE),
        everyone_with_a_role(201),
        lambda w: _span(w, "millions of artillery shells"),
    ),
    "article attributions": Row(
        "GET", u("article-attributions", ARTICLE), everyone_with_a_role(200)
    ),
    "article flags": Row("GET", u("article-flags", ARTICLE), everyone_with_a_role(200)),
    "article verdicts": Row("GET", u("article-verdicts", ARTICLE), everyone_with_a_role(200)),
    "article runs": Row("GET", u("article-runs", ARTICLE), everyone_with_a_role(200)),
    # the seed's run is queued, not failed: an editor gets past the gate to the service's "no"
    "article retry": Row("POST", u("article-retry", ARTICLE), editors_only(400)),
    "claim detail": Row("GET", u("claim-detail", BUDANOV), everyone_with_a_role(200)),
    "claim confirm": Row(
        "POST", u("claim-confirm", BUDANOV), everyone_with_a_role(200), lambda w: {"version": 1}
    ),
    "claim reject": Row(
        "POST", u("claim-reject", BUDANOV), everyone_with_a_role(200), lambda w: {"version": 1}
    ),
    "claim reopen": Row(
        "POST", u("claim-reopen", BUDANOV), everyone_with_a_role(200), lambda w: {"version": 1}
    ),
    "claim correct": Row(
        "POST",
        u("claim-correct", BUDANOV),
        everyone_with_a_role(200),
        lambda w: {"version": 1, **_span(w, "Russia is assisting North Korea")},
    ),
    "claim verdict (read)": Row(
        "GET",
        lambda w: reverse("api:claim-verdict", kwargs={"pk": w.seed.aid.pk}),
        everyone_with_a_role(200),
    ),
    "claim verdict (save)": Row(
        "POST",
        u("claim-verdict", BUDANOV),
        everyone_with_a_role(200),
        lambda w: {"rating": w.mixed.pk, "rationale": "Unverified.", "submit": True},
    ),
    "attribution detail": Row(
        "GET", u("attribution-detail", ATTRIBUTION), everyone_with_a_role(200)
    ),
    "attribution confirm": Row(
        "POST",
        u("attribution-confirm", ATTRIBUTION),
        everyone_with_a_role(200),
        lambda w: {"version": 1},
    ),
    "attribution reject": Row(
        "POST",
        u("attribution-reject", ATTRIBUTION),
        everyone_with_a_role(200),
        lambda w: {"version": 1},
    ),
    "attribution correct": Row(
        "POST",
        u("attribution-correct", ATTRIBUTION),
        everyone_with_a_role(200),
        lambda w: {"version": 1, "speaker": _span(w, "Friedrich Naumann Foundation")},
    ),
    "flag detail": Row("GET", u("flag-detail", FLAG), everyone_with_a_role(200)),
    "flag dismiss": Row(
        "POST", u("flag-dismiss", FLAG), editors_only(200), lambda w: {"reason": "Rounding."}
    ),
    "verdict detail": Row("GET", u("verdict-detail", DRAFT), everyone_with_a_role(200)),
    "verdict submit": Row(
        "POST", u("verdict-submit", DRAFT), everyone_with_a_role(200), lambda w: {"version": 1}
    ),
    "verdict send back": Row(
        "POST",
        u("verdict-send-back", SUBMITTED),
        editors_only(200),
        lambda w: {"version": w.submitted.version, "note": "Cite the ministry."},
    ),
    "verdict publish": Row(
        "POST",
        u("verdict-publish", SUBMITTED),
        editors_only(200),
        lambda w: {"version": w.submitted.version},
    ),
    "verdict withdraw": Row(
        "POST",
        u("verdict-withdraw", PUBLISHED),
        editors_only(200),
        lambda w: {"version": w.published.version, "reason": "Wrong claim."},
    ),
    "verdict discard": Row(
        "POST", u("verdict-discard", DRAFT), everyone_with_a_role(200), lambda w: {"version": 1}
    ),
    "run list": Row("GET", u("run-list"), everyone_with_a_role(200)),
    "run detail": Row("GET", u("run-detail", RUN), everyone_with_a_role(200)),
    "schema": Row("GET", lambda w: reverse("api:schema"), everyone_with_a_role(200)),
    "docs": Row("GET", lambda w: reverse("api:docs"), everyone_with_a_role(200)),
}


def test_every_api_url_is_in_the_table(world):
    """A new endpoint without a row here fails (the token page has its own tests)."""
    from tests.test_permissions_matrix import url_names

    api_names = {n for n in url_names() if n.startswith("api:") and "token" not in n}
    covered = {resolve(row.url(world)).view_name for row in ROWS.values()}
    assert sorted(api_names - covered) == []


def test_each_caller_gets_what_their_role_allows(world):
    clients = {person: world.client(person) for person in PEOPLE}
    got: dict[str, dict[str, int]] = {}
    for label, row in ROWS.items():
        got[label] = {}
        for person in PEOPLE:
            with transaction.atomic():
                url = row.url(world)
                client = clients[person]
                if row.method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, row.body(world) if row.body else {})
                transaction.set_rollback(True)
            got[label][person] = response.status_code
            if response.status_code == 401:
                assert response.headers["WWW-Authenticate"] == "Token", label
    wrong = {
        label: {p: (ROWS[label].expect[p], got[label][p]) for p in PEOPLE}
        for label in ROWS
        if got[label] != ROWS[label].expect
    }
    assert wrong == {}, "(expected, got)"
