"""The OpenAPI schema: served at a stable URL, valid OpenAPI 3 (drf-spectacular's own
validator, warnings failing), and describing every endpoint with the answers it can give."""

from __future__ import annotations

import json

import pytest
import yaml
from django.core.management import call_command

from tests.api.conftest import REVIEWER
from tests.test_permissions_matrix import url_names

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")


def test_the_schema_is_served_at_a_stable_url(world):
    response = world.client(REVIEWER).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = schema["paths"]
    assert "/api/articles/" in paths and "/api/verdicts/{id}/publish/" in paths
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    # each write says what a refusal looks like
    publish = paths["/api/verdicts/{id}/publish/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409"} <= publish.keys()
    # the list is paginated in the description too
    listed = paths["/api/articles/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listed["schema"]["$ref"].endswith("PaginatedArticleOutList")


def test_every_api_endpoint_is_in_the_schema(world):
    from django.urls import reverse

    schema = json.loads(world.client(REVIEWER).get("/api/schema/", {"format": "json"}).content)
    documented = set(schema["paths"])
    pages = {"api:schema", "api:docs", "api:token", "api:token_revoke"}
    for name in sorted(n for n in url_names() if n.startswith("api:") and n not in pages):
        try:
            path = reverse(name)
        except Exception:  # noqa: BLE001 - a detail route: fill its id
            path = reverse(name, kwargs={"pk": 1}).replace("/1/", "/{id}/")
        assert path in documented, name


def test_the_docs_page_loads_its_files_from_our_origin(world):
    page = world.client(REVIEWER).get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "https://" not in html.replace("https://swagger.io", "")  # no CDN
    assert "'unsafe-inline'" in page["Content-Security-Policy"].split("style-src")[1].split(";")[0]
    assert (
        "'unsafe-inline'"
        not in page["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
