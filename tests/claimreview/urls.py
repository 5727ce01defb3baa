"""The site's urlconf plus the public ClaimReview URLs, for as long as the root urlconf
does not include them yet (then this is the root urlconf unchanged)."""

from __future__ import annotations

from django.urls import include, path

from factcheck.urls import urlpatterns as site_patterns


def _has_claimreview(patterns) -> bool:
    return any(getattr(p, "namespace", None) == "claimreview" for p in patterns)


urlpatterns = list(site_patterns)
if not _has_claimreview(urlpatterns):
    urlpatterns.append(path("", include("annotations.urls_claimreview")))
