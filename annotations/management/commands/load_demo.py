"""``manage.py load_demo``: the seed article and its source, pre-annotated, demo users and one
published verdict. Idempotent: a second run changes nothing.

The verdict goes the way every verdict goes: ``demo-reviewer`` drafts it and submits it,
``demo-editor`` publishes it. It names the Express Gazette as the claimant, the outlet that
made the claim: the article credits the study to the Friedrich Naumann Foundation, which is
exactly what the fact check refutes (an attribution flag is open on the claim), so the
foundation must not appear as the claim's author. ``demo-editor`` is an editor with admin
access (staff and the editor group's permissions), not a superuser.

Demo passwords are random and kept in ``var/demo_credentials.json`` on this machine only, so a
production database never gets a well-known password. With DEBUG off it refuses outright:
demo users (one with admin access) and a password file have no place in production, whose first
editor comes from ``manage.py create_editor``.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations import services
from annotations.ingest.inputs import article_input, source_input
from annotations.ingest.text import read_text_file
from annotations.models import Article, Claim, Flag, Rating, RatingScale
from annotations.services.articles import content_hash

SEED_DIR = settings.BASE_DIR / "fixtures" / "seed"
SEED_ARTICLE = SEED_DIR / "article_express_gazette_2026-01-27.txt"
SEED_SOURCE = SEED_DIR / "source_calitoday_2025-09-22.txt"
# The seed text carries no address; a reserved .example one stands in so the demo's
# ClaimReview can say where the claim appeared (appearance.url).
SEED_URL = "https://www.express-gazette.example/world/2026/01/27/north-korea-russia-arms-study"
SEED_STATEMENT = "North Korea sent Russia $5.6bn–$9.8bn of arms since 2023"
DEMO_USERS = {
    "demo-reviewer": {"group": "reviewer", "is_staff": False, "is_superuser": False},
    "demo-editor": {"group": "editor", "is_staff": True, "is_superuser": False},
}


def _credentials_file() -> Path:
    return settings.VAR_DIR / "demo_credentials.json"


class Command(BaseCommand):
    help = "Load the seed article pair, pre-annotated, with a demo reviewer and editor."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "load_demo only runs with DEBUG=1: it creates demo users (one with admin access) "
                "and writes their passwords to a file, which a production install must never have. "
                "Create the first editor with `manage.py create_editor NAME` instead."
            )
        users = self._users()
        article = self._seed_article()
        self._demo_verdict(article, users["demo-reviewer"], users["demo-editor"])
        article.refresh_from_db()
        self.stdout.write(f"Seed article #{article.pk}: {article.title} [{article.status}]")
        self.stdout.write(f"Demo sign-in (stored in {_credentials_file()}):")
        for username, password in self._passwords().items():
            self.stdout.write(f"  {username} / {password}")

    def _passwords(self) -> dict[str, str]:
        path = _credentials_file()
        return json.loads(path.read_text()) if path.exists() else {}

    def _users(self) -> dict[str, User]:
        passwords = self._passwords()
        users = {}
        for username, spec in DEMO_USERS.items():
            user = User.objects.filter(username=username).first()
            if user is None:
                password = passwords.get(username) or secrets.token_urlsafe(9)
                user = User.objects.create_user(
                    username=username,
                    password=password,
                    is_staff=spec["is_staff"],
                    is_superuser=spec["is_superuser"],
                )
                passwords[username] = password
            flags = (bool(spec["is_staff"]), bool(spec["is_superuser"]))
            if (user.is_staff, user.is_superuser) != flags:
                # An older demo made the editor a superuser: roles are permissions now.
                user.is_staff, user.is_superuser = flags
                user.save(update_fields=["is_staff", "is_superuser"])
            user.groups.add(Group.objects.get(name=spec["group"]))
            users[username] = user
        path = _credentials_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(passwords, indent=2))
        path.chmod(0o600)
        return users

    def _seed_article(self) -> Article:
        text = read_text_file(SEED_ARTICLE)
        article = Article.objects.filter(content_hash=content_hash(text)).first()
        if article is None:
            data = article_input(
                text, url=SEED_URL, sources=[source_input(read_text_file(SEED_SOURCE))]
            )
            article = services.article_import(data=data, queue=False)
        if article.status in (
            Article.Status.NEW,
            Article.Status.FAILED,
            Article.Status.PREANNOTATING,
        ):
            self.stdout.write("Pre-annotating the seed article…")
            services.run_execute(article_id=article.pk)
            article.refresh_from_db()
        return article

    def _demo_verdict(self, article: Article, reviewer: User, editor: User) -> None:
        if Claim.objects.filter(article=article, verdict__isnull=False).exists():
            return
        flagged = (
            Flag.objects.filter(claim__article=article, type=Flag.Type.RANGE_VS_POINT)
            .select_related("claim")
            .first()
        )
        claim = flagged.claim if flagged else article.claims.order_by("-score").first()
        if claim is None:
            return
        scale = RatingScale.objects.get(is_default=True)
        rating = Rating.objects.get(scale=scale, label="Mixed")
        with transaction.atomic():
            # No claimant given: the outlet, The Express Gazette, made the claim.
            verdict = services.verdict_save(
                claim=claim,
                rating=rating,
                actor=reviewer,
                claim_reviewed=SEED_STATEMENT,
                evidence_ids=list(claim.evidence.values_list("pk", flat=True)[:1]),
                rationale=(
                    "The cited source (CaliToday, 22 September 2025) gives a single figure, "
                    "$9.8 billion, not a range, and credits the study to researcher Elena "
                    "Guseynova of Hankuk University of Foreign Studies, published by the "
                    "Frankfurter Allgemeine Zeitung, not to the Friedrich Naumann Foundation."
                ),
            )
            verdict = services.verdict_submit(verdict=verdict, actor=reviewer)
            services.verdict_publish(verdict=verdict, actor=editor)
