"""The editors' dashboard: who may see it, that its figures are the database's, and that the
cache lets go the moment anything changes."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from annotations import services
from annotations.models import AuditEvent, Claim, Origin, Rating, RatingScale, ReviewState
from annotations.selectors import dashboard as read
from annotations.services import double_review as dr
from annotations.views.dashboard import date_range
from tests import factories, scenarios

pytestmark = pytest.mark.django_db
URL = "/dashboard/"


@pytest.fixture(autouse=True)
def fresh_cache():
    # the local-memory cache outlives each test's rolled-back database
    cache.clear()
    yield
    cache.clear()


def get(client, user, url=URL, **params):
    client.force_login(user)
    return client.get(url, params)


def figure(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, element_id
    return found.group(1)


def rating(label: str) -> Rating:
    return Rating.objects.get(scale__is_default=True, label=label)


@pytest.fixture
def desk(reviewer, editor):
    """A published article (rita's review, eddie's verdict) and a double-reviewed one."""
    seed = scenarios.build(title="Published one")
    for c in (seed.aid, seed.soldiers, seed.budanov):
        services.claim_reject(claim_id=c.pk, actor=reviewer, version=None)
    verdict = services.verdict_save(
        claim=seed.arms, rating=rating("Mixed"), rationale="A range.", actor=reviewer
    )
    verdict = services.verdict_submit(verdict=verdict, actor=reviewer)
    services.verdict_publish(verdict=verdict, actor=editor)
    services.article_mark_reviewed(article=seed.article, actor=reviewer)

    other = scenarios.build(
        body=scenarios.ARTICLE.replace("Express", "Morning"), title="Double-reviewed"
    )
    sam = factories.user("sam", role="reviewer")
    dr.double_review_set(article=other.article, required=True, actor=editor)
    services.claim_confirm(claim_id=other.arms.pk, actor=reviewer, version=None)
    services.claim_confirm(claim_id=other.aid.pk, actor=reviewer, version=None)
    services.claim_reject(claim_id=other.soldiers.pk, actor=reviewer, version=None)
    services.claim_confirm(claim_id=other.budanov.pk, actor=reviewer, version=None)
    dr.review_pass_submit_first(article=other.article, actor=reviewer)
    decisions = [
        dr.DecisionInput(other.arms.pk, True),
        dr.DecisionInput(other.aid.pk, False),
        dr.DecisionInput(other.soldiers.pk, False),
        dr.DecisionInput(other.budanov.pk, True),
    ]
    dr.second_review_save(article=other.article, actor=sam, decisions=decisions, submit=True)
    return seed, other


# --- who may see it -------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_reviewers_and_people_without_a_role_are_refused(client, reviewer, outsider):
    assert get(client, reviewer).status_code == 403
    assert get(client, outsider).status_code == 403


def test_editors_see_it_and_the_nav_links_it_for_them_only(client, editor, reviewer):
    response = get(client, editor)
    assert response.status_code == 200
    assert b'href="/dashboard/"' in response.content
    assert b'href="/dashboard/"' not in get(client, reviewer, "/").content


# --- the figures are the database's ---------------------------------------------------------


def test_review_actions_per_day_count_the_audit_trail(client, editor, desk):
    html = get(client, editor).content.decode()
    today = timezone.localdate()
    expected = AuditEvent.objects.filter(verb__in=read.REVIEW_VERBS, created_at__date=today).count()
    assert expected >= 12  # 7 claim decisions, 2 verdict steps, the pass handed in, …
    assert figure(html, "reviews-total") == str(expected)
    days = read.dashboard(date_from=today - timedelta(days=29), date_to=today).reviews_per_day
    assert len(days) == 30 and days[-1] == read.DayCount(today, expected)
    assert sum(d.n for d in days[:-1]) == 0


def test_verdicts_by_rating_and_publication(client, editor, reviewer, desk):
    _, other = desk
    services.verdict_save(
        claim=other.arms, rating=rating("Mixed"), rationale="Draft.", actor=reviewer
    )
    html = get(client, editor).content.decode()
    row = re.search(r'<tr data-rating="Mixed">(.*?)</tr>', html).group(1)
    assert re.findall(r'class="num">(\d+)<', row) == ["1", "1", "0", "2"]
    verdicts = {v.rating: v for v in read.verdict_distribution()}
    assert verdicts["Mixed"] == read.VerdictCount("Mixed", 1, 1, 0)
    assert verdicts["True"].total == 0  # every rating of the scale is listed


def test_machine_quality_rows_match_the_decisions(client, editor, desk):
    html = get(client, editor).content.decode()
    row = re.search(r'<tr data-kind="claim" data-version="unknown">(.*?)</tr>', html).group(1)
    machine = Claim.objects.filter(origin=Origin.MACHINE)
    confirmed = machine.filter(review_state=ReviewState.CONFIRMED).count()
    rejected = machine.filter(review_state=ReviewState.REJECTED).count()
    pending = machine.filter(review_state=ReviewState.PENDING).count()
    assert (confirmed, rejected, pending) == (4, 4, 0)  # a verdict confirms its claim
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)<', row)
    assert cells[:5] == [str(confirmed), "0", str(rejected), "0", str(pending)]
    assert cells[5] == f"{confirmed / (confirmed + rejected):.2f}"  # precision
    assert cells[6] == "1.00"  # recall: nothing added by reviewers
    assert "<svg" in html and "Machine precision and recall by pipeline version" in html


def test_flag_acceptance(client, editor, desk):
    seed, _ = desk
    flag = seed.arms.flags.get()
    services.flag_dismiss(flag_id=flag.pk, reason="The source rounds.", actor=editor)
    html = get(client, editor).content.decode()
    # arms (published, its flag now dismissed) and other.arms (confirmed, its flag kept)
    row = re.search(r'<tr data-kind="flag:range_vs_point">(.*?)</tr>', html).group(1)
    assert re.findall(r'class="num">([^<]*)<', row) == ["1", "1", "0", "0.50"]


def test_time_to_publication_and_agreement(client, editor, desk):
    html = get(client, editor).content.decode()
    assert figure(html, "publish-n") == "1"
    assert figure(html, "publish-median").endswith(" h")
    d = read.dashboard(date_from=date.today() - timedelta(days=1), date_to=date.today())
    assert d.publish_n == 1 and len(d.publish_weeks) == 1
    assert d.agreement.articles == 1 and d.agreement.claims == 4
    assert (d.agreement.accept.agree, d.agreement.accept.n) == (3, 4)
    assert 'data-measure="accept-percent"' in html
    assert "75%" in html  # 3 of 4 decided alike


def test_a_range_before_the_work_shows_none_of_it(client, editor, desk):
    long_ago = (timezone.localdate() - timedelta(days=400)).isoformat()
    to = (timezone.localdate() - timedelta(days=300)).isoformat()
    html = get(client, editor, **{"from": long_ago, "to": to}).content.decode()
    assert figure(html, "reviews-total") == "0"
    assert figure(html, "publish-n") == "0"
    assert "No review actions in this range" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "yesterday"}, "is not a date"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "ends before it starts"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "at most 366 days"),
    ],
)
def test_a_bad_range_is_a_400_saying_why(client, editor, params, message):
    response = get(client, editor, **params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_default_range_is_the_last_30_days():
    date_from, date_to = date_range({})
    assert date_to == timezone.localdate() and (date_to - date_from).days == 29
    assert date_range({"to": "2026-03-31"}) == (date(2026, 3, 2), date(2026, 3, 31))


def test_labels_typed_by_people_are_escaped(client, editor, reviewer, desk):
    _, other = desk
    evil = Rating.objects.create(
        scale=RatingScale.objects.get(is_default=True), label="<script>x</script>", position=99
    )
    services.verdict_save(claim=other.arms, rating=evil, rationale="r", actor=reviewer)
    html = get(client, editor).content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


# --- the cache ------------------------------------------------------------------------------


def test_cached_until_a_new_decision_then_recomputed(client, editor, reviewer, desk, monkeypatch):
    seed, _ = desk
    calls = []
    compute = read.compute
    monkeypatch.setattr(read, "compute", lambda *a: calls.append(a) or compute(*a))

    first = figure(get(client, editor).content.decode(), "reviews-total")
    again = figure(get(client, editor).content.decode(), "reviews-total")
    assert (first, again, len(calls)) == (again, first, 1)

    services.claim_reopen(claim_id=seed.aid.pk, actor=reviewer, version=None)
    after = figure(get(client, editor).content.decode(), "reviews-total")
    assert len(calls) == 2
    assert int(after) == int(first) + 1


def test_the_key_holds_the_range_and_the_latest_audit_event(desk):
    today = timezone.localdate()
    stamp = read.audit_stamp()
    assert stamp == AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)[0]
    read.dashboard(date_from=today, date_to=today)
    assert cache.get(read.cache_key(today, today, stamp)) is not None
    assert cache.get(read.cache_key(today - timedelta(days=1), today, stamp)) is None


def test_the_agreement_figures_are_the_double_review_selectors(desk):
    from annotations.selectors import double_review

    today = timezone.localdate()
    ours = read.desk_agreement(today, today)
    theirs = double_review.desk_agreement(date_from=today, date_to=today).figures
    assert ours == theirs
    assert ours.claims == 4
    assert read.desk_agreement(today - timedelta(days=9), today - timedelta(days=1)).claims == 0


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_days_are_the_desk_time_zone_s(reviewer, zone):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    seed = scenarios.build()
    services.claim_confirm(claim_id=seed.arms.pk, actor=reviewer, version=None)
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 3 March, 00:30 in Berlin
    AuditEvent.objects.filter(verb="claim.confirm").update(created_at=late)
    with timezone.override(ZoneInfo(zone)):
        days = read.reviews_per_day(date(2026, 3, 1), date(2026, 3, 4))
    expected = date(2026, 3, 2) if zone == "UTC" else date(2026, 3, 3)
    assert [d.day for d in days if d.n] == [expected]
