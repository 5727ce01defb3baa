"""The production configuration: the deploy checklist, HTTPS settings from the environment,
the Content-Security-Policy, static files served with DEBUG off (in-process and by a real
gunicorn), e-mail from the environment, and what production never gets (demo data) or must
get (a first editor)."""

from __future__ import annotations

import http.cookiejar
import json
import re
import socketserver
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from annotations.models import AnnotationRun, Article
from factcheck import settings as project_settings
from tests import factories
from tests.processes import BIN, ROOT, free_port, manage, production_env, stop, wait_for_port
from tests.static_links import crawl, linked_static_paths

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "factcheck.staticfiles.WorkbenchStaticFilesStorage"},
}
HASHED = re.compile(r"\.[0-9a-f]{12}\.(?:js|css)$")


def _settings_in(env: dict[str, str], *names: str) -> dict[str, object]:
    """Values of ``names`` as a fresh process with ``env`` reads them (the settings module
    alone: no app loading, so it takes a second, not four)."""
    code = (
        "import json, factcheck.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- deploy checklist and HTTPS ------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage(
        production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING", check=False
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_are_https_only_and_each_can_be_changed(tmp_path):
    names = (
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "MAILERS",
    )
    prod = _settings_in(production_env(tmp_path / "a"), *names)
    assert prod == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_PROXY_SSL_HEADER": None,
        "MAILERS": {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "localhost",
                    "port": 587,
                    "username": "",
                    "password": "",
                    "use_tls": True,
                    "use_ssl": False,
                    "timeout": 20,
                },
            }
        },
    }
    proxied = _settings_in(
        production_env(
            tmp_path / "b",
            SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto=https",
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="3600",
        ),
        *names,
    )
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert proxied["SECURE_SSL_REDIRECT"] is False and proxied["SECURE_HSTS_SECONDS"] == 3600
    dev = _settings_in({**production_env(tmp_path / "c"), "DEBUG": "1"}, *names)
    assert dev == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
        "MAILERS": {
            "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}
        },
    }


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("X-Forwarded-Proto=https", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("HTTP_X_FORWARDED_PROTO=https", ("HTTP_X_FORWARDED_PROTO", "https")),
        (" X-Forwarded-Ssl = on ", ("HTTP_X_FORWARDED_SSL", "on")),
        ("", None),
    ],
)
def test_proxy_header_is_read_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("X_PROXY", raw)
    assert project_settings.env_header("X_PROXY") == expected


@pytest.mark.parametrize("raw", ["X-Forwarded-Proto", "=https", "X-Forwarded-Proto="])
def test_a_malformed_proxy_header_is_a_clear_startup_error(monkeypatch, raw):
    monkeypatch.setenv("X_PROXY", raw)
    with pytest.raises(ImproperlyConfigured, match="X-Forwarded-Proto=https"):
        project_settings.env_header("X_PROXY")


@override_settings(
    SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_behind_a_tls_proxy_the_forwarded_scheme_counts_as_https(client):
    assert client.get("/accounts/login/").status_code == 301  # plain HTTP: redirected
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


# --- Content-Security-Policy ----------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)([^>]*)>", re.I)


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_every_page_has_a_csp_and_its_inline_script_carries_the_nonce(client, reviewer):
    article = factories.article()
    claim = factories.claim(article, "The city council")
    AnnotationRun.objects.create(
        article=article, pipeline_version="1", status="running", progress=40
    )
    Article.objects.filter(pk=article.pk).update(status="preannotating")
    pages = ["/accounts/login/"]
    client.force_login(reviewer)
    pages += ["/", f"/articles/{article.pk}/?claim={claim.pk}", "/articles/new/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"], "no inline styles"
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        [nonce] = [s for s in policy["script-src"] if s.startswith("'nonce-")]
        assert set(policy["script-src"]) == {"'self'", nonce}
        html = response.content.decode()
        inline = INLINE_SCRIPT.findall(html)
        assert inline, url
        for attrs in inline:
            assert f'nonce="{nonce[7:-1]}"' in attrs, f"{url}: inline script without the nonce"
        assert not re.search(r"<style\b|\sstyle=", html), f"{url}: inline style"
        assert '"includeIndicatorStyles":false' in html and '"allowEval":false' in html
    # a fresh nonce per response
    assert _policy(client.get("/"))["script-src"] != _policy(client.get("/"))["script-src"]


# --- static files with DEBUG off ------------------------------------------------------------


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """`collectstatic` exactly as the README's production recipe runs it."""
    var = tmp_path_factory.mktemp("collect")
    manage(production_env(var, STATIC_ROOT=str(var / "static")), "collectstatic", "--noinput")
    return var / "static"


def _signed_in_pages(client: Client, article: Article) -> list[str]:
    claim = article.claims.first()
    return ["/", f"/articles/{article.pk}/?claim={claim.pk}", "/articles/new/", "/admin/"]


@pytest.mark.django_db
def test_with_debug_off_every_static_file_the_pages_link_is_served(collected):
    editor = factories.user("stella", role="editor", is_staff=True, is_superuser=True)
    article = factories.article()
    factories.claim(article, "The city council")
    with override_settings(STATIC_ROOT=collected, STORAGES=PRODUCTION_STORAGES, DEBUG=False):
        client = Client()  # a new client loads WhiteNoise with the collected files
        start = linked_static_paths(client.get("/accounts/login/").content.decode())
        client.force_login(editor)
        for url in _signed_in_pages(client, article):
            response = client.get(url)
            assert response.status_code == 200, url
            start |= linked_static_paths(response.content.decode())

        def fetch(path: str) -> tuple[int, bytes]:
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else b""
            return response.status_code, body

        statuses = crawl(start, fetch)
        main = next(p for p in start if "/annotations/js/main." in p)
        immutable = client.get(main).headers["Cache-Control"]

    assert {p for p, status in statuses.items() if status != 200} == set()
    assert any("django_htmx/htmx-2.min." in p for p in statuses), "htmx is among them"
    modules = [p for p in statuses if "/annotations/js/" in p]
    # main.js and every module it imports (all of static/annotations/js/), each hashed
    on_disk = list((ROOT / "static" / "annotations" / "js").glob("*.js"))
    assert len(modules) == len(on_disk) and all(HASHED.search(p) for p in modules), modules
    assert HASHED.search(main) and "immutable" in immutable


@pytest.mark.slow
@pytest.mark.django_db
def test_gunicorn_with_debug_off_serves_every_static_file_the_pages_link(tmp_path, collected):
    env = production_env(
        tmp_path / "var",
        STATIC_ROOT=str(collected),
        SECURE_SSL_REDIRECT="0",  # plain HTTP on a test port; the checklist test covers HTTPS
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        FACTCHECK_EDITOR_PASSWORD="a long enough test passphrase 42",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "create_editor", "stella", "--noinput")
    (tmp_path / "a.txt").write_text(factories.ARTICLE_TEXT)
    manage(env, "import_article", str(tmp_path / "a.txt"))
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "factcheck.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(port, process=server)
        base = f"http://127.0.0.1:{port}"
        browser = _Browser(base)
        start = linked_static_paths(browser.get("/accounts/login/")[1].decode())
        browser.sign_in("stella", "a long enough test passphrase 42")
        for url in ["/", "/articles/1/", "/articles/new/", "/admin/"]:
            status, body = browser.get(url)
            assert status == 200, url
            start |= linked_static_paths(body.decode())
        statuses = crawl(start, browser.get)
    finally:
        stop(server)
    assert {p for p, status in statuses.items() if status != 200} == set()
    assert any("htmx-2.min." in p for p in statuses)
    on_disk = list((ROOT / "static" / "annotations" / "js").glob("*.js"))
    assert len([p for p in statuses if "/annotations/js/" in p]) == len(on_disk)


class _Browser:
    """Just enough of a browser for a Django sign-in: cookies and the CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=20) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def sign_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            self.base + "/accounts/login/", data=data, headers={"Referer": self.base + "/"}
        )
        with self.opener.open(request, timeout=20) as response:
            assert response.url == self.base + "/", "signed in and sent to the queue"


# --- e-mail ---------------------------------------------------------------------------------


class _SMTPHandler(socketserver.StreamRequestHandler):
    """The few SMTP verbs Django's SMTP backend speaks without TLS."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        lines: list[str] | None = None
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if lines is not None:
                if line == ".":
                    self.server.messages.append("\n".join(lines))  # type: ignore[attr-defined]
                    lines = None
                    self.wfile.write(b"250 queued\r\n")
                else:
                    lines.append(line[1:] if line.startswith("..") else line)
                continue
            verb = line[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-test\r\n250 8BITMIME\r\n")
            elif verb == "DATA":
                lines = []
                self.wfile.write(b"354 go ahead\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.messages = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_production_mail_goes_to_the_smtp_server_from_the_environment(tmp_path, smtp_server):
    env = production_env(
        tmp_path,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.server_address[1]),
        EMAIL_USE_TLS="0",
        DEFAULT_FROM_EMAIL="desk@factcheck.example.org",
    )
    manage(env, "sendtestemail", "editor@factcheck.example.org")
    [message] = smtp_server.messages  # type: ignore[attr-defined]
    assert "From: desk@factcheck.example.org" in message
    assert "To: editor@factcheck.example.org" in message


def test_tls_and_ssl_together_are_refused_at_startup(tmp_path):
    env = production_env(tmp_path, EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
    result = manage(env, "check", check=False)
    assert result.returncode != 0 and "EMAIL_USE_TLS and EMAIL_USE_SSL" in result.stderr


@pytest.mark.django_db
def test_a_password_reset_sends_its_mail(client):
    factories.user("mira", email="mira@factcheck.example.org")
    response = client.post("/accounts/password_reset/", {"email": "mira@factcheck.example.org"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["mira@factcheck.example.org"]
    assert "/accounts/reset/" in message.body


# --- demo data and the first editor ---------------------------------------------------------


@pytest.mark.django_db
def test_load_demo_refuses_in_production_and_creates_nothing(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG=1.*create_editor"):
        call_command("load_demo")
    assert not User.objects.exists() and not Article.objects.exists()
    assert not (settings.VAR_DIR / "demo_credentials.json").exists()


@pytest.mark.django_db
def test_create_editor_makes_the_first_editor_from_the_environment(monkeypatch, client):
    monkeypatch.setenv("FACTCHECK_EDITOR_PASSWORD", "correct horse battery staple")
    call_command("create_editor", "stella", "--email", "s@example.org", "--noinput")
    user = User.objects.get(username="stella")
    assert user.is_staff and user.is_superuser and user.groups.filter(name="editor").exists()
    response = client.post(
        "/accounts/login/", {"username": "stella", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_editor", "stella", "--noinput")


@pytest.mark.django_db
def test_create_editor_refuses_a_weak_or_missing_password(monkeypatch):
    monkeypatch.setenv("FACTCHECK_EDITOR_PASSWORD", "password")
    with pytest.raises(CommandError, match="Password refused: This password is too"):
        call_command("create_editor", "stella", "--noinput")
    monkeypatch.delenv("FACTCHECK_EDITOR_PASSWORD")
    with pytest.raises(CommandError, match="FACTCHECK_EDITOR_PASSWORD"):
        call_command("create_editor", "stella", "--noinput")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_create_editor_asks_twice_on_the_terminal(monkeypatch):
    answers = iter(
        ["one long passphrase", "a different one!!", "two long passphrase", "two long passphrase"]
    )
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("create_editor", "stella")
    assert User.objects.get(username="stella").check_password("two long passphrase")


def test_the_settings_module_documents_every_variable_it_reads():
    """Each environment variable the settings read is in the README's configuration table."""
    source = (ROOT / "factcheck" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', source))
    read |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', source))
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") :]
    missing = sorted(name for name in read if f"`{name}`" not in table)
    assert missing == [], "add them to the README's Configuration table"
    assert settings.SECURE_CSP  # the policy is on in every configuration
