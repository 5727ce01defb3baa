"""Who may open what: every named URL pattern of the project, asked by five people —
anonymous, signed in with no role, a reviewer, an editor, and staff (an editor with
``is_staff``, the admin console's user) — against the status the table below expects.

The patterns come from the URLconf itself, so a new URL without a row here fails
``test_every_url_pattern_has_a_row``. Adding one: a ``Row`` with its method, how to fill
its arguments from the ``World``, and the status for each person (the helpers say the usual
shapes: ``reviewers(…)``, ``editors(…)``, ``everyone(…)``). Each request runs in a
savepoint that is rolled back, so no row depends on another's side effects.

``MATRIX_PRINT=1 pytest tests/test_permissions_matrix.py -s`` prints what each person got.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from annotations import services
from annotations.models import Rating, Verdict
from api import services as api_services
from tests import factories, scenarios

pytestmark = pytest.mark.django_db

ANON, NOROLE, REVIEWER, EDITOR, STAFF = "anonymous", "no role", "reviewer", "editor", "staff"
PEOPLE = (ANON, NOROLE, REVIEWER, EDITOR, STAFF)
LOGIN = "login"  # a redirect to the site's sign-in page
ADMIN_LOGIN = "admin login"  # a redirect to the admin console's sign-in page


@dataclass
class World:
    """One of everything a URL can point at."""

    seed: scenarios.Seed
    draft: Verdict  # a reviewer's draft verdict (on seed.aid)
    published: Verdict  # a published verdict (on seed.arms)
    user: User


Kwargs = Callable[[World], dict[str, Any]]
Expect = dict[str, int | str]


@dataclass(frozen=True)
class Row:
    method: str
    kwargs: Kwargs
    expect: Expect
    data: Kwargs | None = None  # POST data, when empty data would not reach the check
    content_type: str = ""  # the JSON API's rows send JSON


def reviewers(ok: int, *, norole: int = 403) -> Expect:
    """The workbench: reviewers, editors and staff (who are editors) get in."""
    return {ANON: LOGIN, NOROLE: norole, REVIEWER: ok, EDITOR: ok, STAFF: ok}


def editors(ok: int, *, reviewer: int = 403) -> Expect:
    return {ANON: LOGIN, NOROLE: 403, REVIEWER: reviewer, EDITOR: ok, STAFF: ok}


def everyone(status: int | str, *, anonymous: int | str | None = None) -> Expect:
    return {p: (anonymous if p == ANON and anonymous is not None else status) for p in PEOPLE}


def signed_in(ok: int) -> Expect:
    return {ANON: LOGIN, NOROLE: ok, REVIEWER: ok, EDITOR: ok, STAFF: ok}


def staff_only(ok: int | str) -> Expect:
    return {
        ANON: ADMIN_LOGIN,
        NOROLE: ADMIN_LOGIN,
        REVIEWER: ADMIN_LOGIN,
        EDITOR: ADMIN_LOGIN,
        STAFF: ok,
    }


def api_callers(ok: int, *, reviewer: int | None = None) -> Expect:
    """The JSON API: no credentials is 401 (``WWW-Authenticate: Token``), not a redirect."""
    return {
        ANON: 401,
        NOROLE: 403,
        REVIEWER: ok if reviewer is None else reviewer,
        EDITOR: ok,
        STAFF: ok,
    }


def api_row(method: str, kwargs: Kwargs, expect: Expect) -> Row:
    return Row(method, kwargs, expect, data=NONE, content_type="application/json")


NONE: Kwargs = lambda w: {}  # noqa: E731
ARTICLE: Kwargs = lambda w: {"pk": w.seed.article.pk}  # noqa: E731
CLAIM: Kwargs = lambda w: {"pk": w.seed.budanov.pk}  # noqa: E731
ATTRIBUTION: Kwargs = lambda w: {"pk": w.seed.attribution.pk}  # noqa: E731
FLAG: Kwargs = lambda w: {"pk": w.seed.arms.flags.first().pk}  # noqa: E731
DRAFT: Kwargs = lambda w: {"pk": w.draft.pk}  # noqa: E731
PUBLISHED: Kwargs = lambda w: {"pk": w.published.pk}  # noqa: E731


def _comment(w: World) -> int:
    """A comment by the world's reviewer on the budanov claim (made once)."""
    from annotations.models import Comment

    found = Comment.objects.filter(author=w.user).first()
    if found is None:
        found = services.comment_add(
            article=w.seed.article, claim=w.seed.budanov, body="Check @nobody", actor=w.user
        )
    return found.pk


# Bad or empty input is refused with 400 once the person is let in; that is the point here:
# the request got past the access check, and nothing was changed.
MATRIX: dict[str, Row] = {
    # the workbench
    "annotations:queue": Row("GET", NONE, reviewers(200)),
    "annotations:article_add": Row("GET", NONE, reviewers(200)),
    "annotations:article_batch": Row("POST", NONE, reviewers(400)),
    "annotations:article_review": Row("GET", ARTICLE, reviewers(200)),
    "annotations:article_progress": Row("GET", ARTICLE, reviewers(200)),
    "annotations:article_assign": Row("POST", ARTICLE, reviewers(302)),
    "annotations:article_reviewed": Row("POST", ARTICLE, reviewers(302)),
    "annotations:article_history": Row("GET", ARTICLE, reviewers(200)),
    "annotations:claim_add": Row("POST", ARTICLE, reviewers(302)),
    "annotations:attribution_add": Row(
        "POST", ARTICLE, reviewers(400), data=lambda w: {"claim": w.seed.budanov.pk}
    ),
    "annotations:claim_detail": Row("GET", CLAIM, reviewers(302)),  # to the review page
    "annotations:claim_confirm": Row("POST", CLAIM, reviewers(400)),
    "annotations:claim_reject": Row("POST", CLAIM, reviewers(400)),
    "annotations:claim_reopen": Row("POST", CLAIM, reviewers(400)),
    "annotations:claim_correct": Row("POST", CLAIM, reviewers(400)),
    "annotations:claim_verdict": Row("POST", CLAIM, reviewers(400)),
    "annotations:attribution_edit": Row("POST", ATTRIBUTION, reviewers(400)),
    "annotations:attribution_confirm": Row("POST", ATTRIBUTION, reviewers(400)),
    "annotations:attribution_reject": Row("POST", ATTRIBUTION, reviewers(400)),
    "annotations:flag_dismiss": Row(  # done: back to the review page
        "POST", FLAG, editors(302), data=lambda w: {"reason": "The source rounds the figure."}
    ),
    "annotations:verdict_submit": Row("POST", DRAFT, reviewers(400)),
    "annotations:verdict_return": Row("POST", DRAFT, editors(400)),
    "annotations:verdict_publish": Row("POST", DRAFT, editors(400)),
    "annotations:verdict_withdraw": Row("POST", PUBLISHED, editors(400)),
    "annotations:verdict_discard": Row("POST", DRAFT, reviewers(400)),
    "annotations:verdict_revisions": Row("GET", PUBLISHED, reviewers(200)),
    "annotations:article_undo": Row("POST", ARTICLE, reviewers(302)),  # nothing to undo: back
    # comments, mentions and retry (issue 12)
    "annotations:article_retry": Row("POST", ARTICLE, editors(302)),  # nothing to retry: back
    "annotations:article_comments": Row("GET", ARTICLE, reviewers(200)),
    "annotations:claim_comments": Row("GET", CLAIM, reviewers(200)),
    "annotations:comment_edit": Row("POST", lambda w: {"pk": _comment(w)}, reviewers(400)),
    "annotations:comment_delete": Row("POST", lambda w: {"pk": _comment(w)}, reviewers(400)),
    "annotations:mentions": Row("GET", NONE, reviewers(200)),
    "annotations:mentions_read": Row("POST", NONE, reviewers(302)),
    # blind double review and agreement (issue 12); the seed article needs no second review
    "annotations:double_review_set": Row("POST", ARTICLE, editors(302)),  # back to the article
    "annotations:review_pass_submit_first": Row("POST", ARTICLE, reviewers(400)),
    "annotations:second_review": Row("GET", ARTICLE, reviewers(200)),
    "annotations:adjudicate": Row("GET", ARTICLE, editors(200)),
    "annotations:adjudication_finish": Row("POST", ARTICLE, editors(400)),
    "annotations:agreement": Row("GET", NONE, reviewers(200)),
    # the editors' dashboard (issue 14)
    "annotations:dashboard": Row("GET", NONE, editors(200)),
    # the JSON API (issue 14): an empty JSON body is a 400 once past the access check
    "api:schema": Row("GET", NONE, api_callers(200)),
    "api:docs": Row("GET", NONE, api_callers(200)),
    "api:token": Row("GET", NONE, reviewers(200)),
    "api:token_revoke": Row("POST", NONE, reviewers(302)),
    "api:article-list": Row("GET", NONE, api_callers(200)),
    "api:article-detail": Row("GET", ARTICLE, api_callers(200)),
    "api:article-claims": Row("GET", ARTICLE, api_callers(200)),
    "api:article-attributions": Row("GET", ARTICLE, api_callers(200)),
    "api:article-flags": Row("GET", ARTICLE, api_callers(200)),
    "api:article-verdicts": Row("GET", ARTICLE, api_callers(200)),
    "api:article-runs": Row("GET", ARTICLE, api_callers(200)),
    "api:article-retry": api_row("POST", ARTICLE, api_callers(400, reviewer=403)),  # running
    "api:claim-detail": Row("GET", CLAIM, api_callers(200)),
    "api:claim-confirm": api_row("POST", CLAIM, api_callers(400)),
    "api:claim-reject": api_row("POST", CLAIM, api_callers(400)),
    "api:claim-reopen": api_row("POST", CLAIM, api_callers(400)),
    "api:claim-correct": api_row("POST", CLAIM, api_callers(400)),
    "api:claim-verdict": Row("GET", lambda w: {"pk": w.draft.claim_id}, api_callers(200)),
    "api:attribution-detail": Row("GET", ATTRIBUTION, api_callers(200)),
    "api:attribution-confirm": api_row("POST", ATTRIBUTION, api_callers(400)),
    "api:attribution-reject": api_row("POST", ATTRIBUTION, api_callers(400)),
    "api:attribution-correct": api_row("POST", ATTRIBUTION, api_callers(400)),
    "api:flag-detail": Row("GET", FLAG, api_callers(200)),
    "api:flag-dismiss": api_row("POST", FLAG, api_callers(400, reviewer=403)),
    "api:verdict-detail": Row("GET", DRAFT, api_callers(200)),
    "api:verdict-submit": api_row("POST", DRAFT, api_callers(400)),
    "api:verdict-send-back": api_row("POST", DRAFT, api_callers(400, reviewer=403)),
    "api:verdict-publish": api_row("POST", DRAFT, api_callers(400, reviewer=403)),
    "api:verdict-withdraw": api_row("POST", PUBLISHED, api_callers(400, reviewer=403)),
    "api:verdict-discard": api_row("POST", DRAFT, api_callers(400)),
    "api:run-list": Row("GET", NONE, api_callers(200)),
    "api:run-detail": Row(
        "GET", lambda w: {"pk": w.seed.article.runs.first().pk}, api_callers(200)
    ),
    # public ClaimReview surfaces: published verdicts only, no sign-in
    "claimreview:verdict_public": Row("GET", lambda w: {"claim_id": w.seed.arms.pk}, everyone(200)),
    "claimreview:claim_jsonld": Row("GET", lambda w: {"claim_id": w.seed.arms.pk}, everyone(200)),
    "claimreview:article_jsonld": Row(
        "GET", lambda w: {"article_id": w.seed.article.pk}, everyone(200)
    ),
    "claimreview:feed": Row("GET", NONE, everyone(200)),
    "claimreview:corrections": Row("GET", NONE, everyone(200)),
    # accounts
    "login": Row("GET", NONE, everyone(200)),
    "logout": Row("POST", NONE, everyone(LOGIN)),
    "password_change": Row("GET", NONE, signed_in(200)),
    "password_change_done": Row("GET", NONE, signed_in(200)),
    "password_reset": Row("GET", NONE, everyone(200)),
    "password_reset_done": Row("GET", NONE, everyone(200)),
    "password_reset_confirm": Row(
        "GET", lambda w: {"uidb64": "MQ", "token": "not-a-token"}, everyone(200)
    ),
    "password_reset_complete": Row("GET", NONE, everyone(200)),
    # the admin console's own pages (each model's pages follow ADMIN_MODELS below)
    "admin:index": Row("GET", NONE, staff_only(200)),
    "admin:login": Row("GET", NONE, {**everyone(200), STAFF: 302}),  # staff: to the index
    "admin:logout": Row("POST", NONE, {**everyone(302), STAFF: LOGIN}),
    "admin:password_change": Row("GET", NONE, staff_only(200)),
    "admin:password_change_done": Row("GET", NONE, staff_only(200)),
    "admin:autocomplete": Row("GET", NONE, staff_only(403)),
    "admin:jsi18n": Row("GET", NONE, staff_only(200)),
    "admin:view_on_site": Row(
        "GET",
        lambda w: {
            "content_type_id": _content_type(w.seed.article),
            "object_id": w.seed.article.pk,
        },
        staff_only(404),
    ),
    "admin:app_list": Row("GET", lambda w: {"app_label": "annotations"}, staff_only(200)),
    "admin:auth_user_password_change": Row("GET", lambda w: {"id": w.user.pk}, staff_only(403)),
}

# Per registered model: what staff (an editor with is_staff) may do in the admin console,
# as roles.py grants it. Everyone else is sent to the admin sign-in page.
VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ADMIN_MODELS: dict[str, set[str]] = {
    "auth_group": set(),
    "auth_user": set(),
    "axes_accessattempt": set(),
    "axes_accesslog": set(),
    "axes_accessfailurelog": set(),
    "authtoken_tokenproxy": set(),  # API tokens: the install administrator's (and each own)
    "annotations_article": {VIEW, CHANGE, DELETE},
    "annotations_source": {VIEW, ADD, CHANGE, DELETE},
    "annotations_ratingscale": {VIEW, ADD, CHANGE, DELETE},
    "annotations_annotationrun": {VIEW, DELETE},
    "annotations_claim": {VIEW, DELETE},
    "annotations_attribution": {VIEW, DELETE},
    "annotations_entity": {VIEW, DELETE},
    "annotations_quantity": {VIEW, DELETE},
    "annotations_evidencelink": {VIEW, DELETE},
    "annotations_flag": {VIEW, DELETE},
    "annotations_verdict": {VIEW},
    "annotations_verdictrevision": {VIEW},
    "annotations_correctionnotice": {VIEW},
    "annotations_auditevent": {VIEW},
    "annotations_doublereview": {VIEW},
    "annotations_reviewpass": {VIEW},
}
_PAGES = {"changelist": {VIEW, CHANGE}, "add": {ADD}, "change": {VIEW, CHANGE}}
_PAGES |= {"history": {VIEW, CHANGE}, "delete": {DELETE}}


def _content_type(obj: Any) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def _admin_rows() -> dict[str, Row]:
    """Changelist, add, change, history and delete of every model the console shows."""
    from django.apps import apps

    rows = {}
    for model_key, allowed in ADMIN_MODELS.items():
        app_label, _, model_name = model_key.partition("_")
        model = apps.get_model(app_label, model_name)
        for page, needs in _PAGES.items():
            kwargs: Kwargs = NONE
            if page in ("change", "history", "delete"):
                kwargs = lambda w, m=model: {"object_id": _any_pk(m, w)}  # noqa: E731
            staff = 200 if allowed & needs else 403
            rows[f"admin:{model_key}_{page}"] = Row("GET", kwargs, staff_only(staff))
    return rows


def _any_pk(model: Any, world: World) -> Any:
    obj = model.objects.order_by("pk").first()
    assert obj is not None, f"the world has no {model.__name__}"
    return obj.pk


def url_names() -> Iterator[str]:
    """Every named pattern of the URLconf, namespaced; unnamed ones only where Django's
    admin makes them (its catch-all and object redirect), never in our own apps."""

    def walk(patterns: list[Any], namespace: str | None) -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace])) or None
                yield from walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                if p.name is None:
                    assert namespace == "admin", f"unnamed URL pattern {p.pattern!r}"
                    continue
                yield f"{namespace}:{p.name}" if namespace else p.name

    return walk(get_resolver().url_patterns, None)


def test_every_url_pattern_has_a_row():
    rows = {**MATRIX, **_admin_rows()}
    names = set(url_names())
    assert sorted(names - rows.keys()) == [], "new URLs: add their rows to MATRIX"
    assert sorted(rows.keys() - names) == [], "rows for URLs that no longer exist"


@pytest.fixture
def world() -> World:
    seed = scenarios.build()
    reviewer = factories.user("matrix-reviewer", role="reviewer")
    editor = factories.user("matrix-editor", role="editor")
    mixed = Rating.objects.get(label="Mixed")
    draft = services.verdict_save(
        claim=seed.aid, rating=mixed, rationale="Figures differ.", actor=reviewer
    )
    published = services.verdict_save(
        claim=seed.arms, rating=mixed, rationale="A range, not a figure.", actor=editor
    )
    published = services.verdict_publish(verdict=published, actor=editor)
    withdrawn = services.verdict_save(
        claim=seed.soldiers, rating=mixed, rationale="Unsourced.", actor=editor
    )
    withdrawn = services.verdict_publish(verdict=withdrawn, actor=editor)
    services.verdict_withdraw(verdict=withdrawn, actor=editor, reason="Wrong claim.")
    services.run_queue(article=seed.article)
    api_services.token_create(user=reviewer)
    _double_review(editor)
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    where = {"ip_address": "192.0.2.1", "user_agent": "test", "username": "someone"}
    AccessAttempt.objects.create(**where, failures_since_start=1)
    AccessLog.objects.create(**where)
    AccessFailureLog.objects.create(**where)
    return World(seed, draft, published, reviewer)


def _double_review(editor: User) -> None:
    """Another article under double review, with a second review started (for the admin)."""
    from annotations.services import double_review

    other = factories.article(title="Double-reviewed")
    factories.claim(other, other.body[:20])
    double_review.double_review_set(article=other, required=True, actor=editor)
    double_review.second_review_save(
        article=other, actor=factories.user("matrix-second", role="reviewer"), decisions=[]
    )


def _people() -> dict[str, User | None]:
    return {
        ANON: None,
        NOROLE: factories.user("matrix-norole", role=None),
        REVIEWER: factories.user("matrix-rita", role="reviewer"),
        EDITOR: factories.user("matrix-eddie", role="editor"),
        STAFF: factories.user("matrix-stella", role="editor", is_staff=True),
    }


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _outcome(response) -> int | str:
    if response.status_code == 302:
        location = response.headers["Location"]
        if location.startswith("/accounts/login/"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
    return response.status_code


def test_each_person_gets_the_status_the_table_expects(world):
    people = _people()
    clients = {person: _client(user) for person, user in people.items()}
    rows = {**MATRIX, **_admin_rows()}
    got: dict[str, Expect] = {}
    for name, row in sorted(rows.items()):
        url = reverse(name, kwargs=row.kwargs(world))
        got[name] = {}
        for person, user in people.items():
            # signing out ends the session: that row gets a client of its own
            client = _client(user) if "logout" in name else clients[person]
            with transaction.atomic():
                data = row.data(world) if row.data else {}
                extra = {"content_type": row.content_type} if row.content_type else {}
                response = getattr(client, row.method.lower())(url, data, **extra)
                transaction.set_rollback(True)
            got[name][person] = _outcome(response)
    if os.environ.get("MATRIX_PRINT"):
        for name, outcomes in got.items():
            print(f"{name:45} " + "  ".join(f"{p}={outcomes[p]}" for p in PEOPLE))
    wrong = {
        name: {
            p: (rows[name].expect[p], got[name][p])
            for p in PEOPLE
            if rows[name].expect[p] != got[name][p]
        }
        for name in rows
    }
    assert {name: diff for name, diff in wrong.items() if diff} == {}, "(expected, got)"
