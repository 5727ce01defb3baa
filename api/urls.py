"""The JSON API under /api/: a router for the records, the OpenAPI schema (a stable URL) and
its documentation page, and the person's token page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from .views import tokens
from .views.articles import ArticleViewSet
from .views.review import AttributionViewSet, ClaimViewSet, FlagViewSet
from .views.verdicts import RunViewSet, VerdictViewSet

app_name = "api"

router = SimpleRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register("claims", ClaimViewSet, basename="claim")
router.register("attributions", AttributionViewSet, basename="attribution")
router.register("flags", FlagViewSet, basename="flag")
router.register("verdicts", VerdictViewSet, basename="verdict")
router.register("runs", RunViewSet, basename="run")

# Swagger UI (served from our static files by drf-spectacular-sidecar, no CDN) sets style
# attributes as it renders: this one page may use inline styles. Its script is a file
# (the "split" view), so scripts stay as strict as everywhere else.
_csp: dict[str, Any] = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
_docs_csp = csp_override(_csp)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/", _docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"
    ),
    path("token/", tokens.api_token, name="token"),
    path("token/revoke/", tokens.api_token_revoke, name="token_revoke"),
    *router.urls,
]
