"""Comments on claims and articles, @mentions, and how they read: the pure text function,
the services (mentions, mail, edit/delete with versions, audit), the views and the history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from annotations import services
from annotations.commenttext import comment_html, mentioned_usernames
from annotations.models import AuditEvent, Comment, Mention
from annotations.selectors import comments as comment_reads
from annotations.selectors.history import claim_history
from tests import factories, scenarios

# --- the text: escaped, http(s) links clickable, @names -------------------------------------


def test_text_is_escaped_and_links_are_clickable():
    html = comment_html('See <b>this</b> & https://example.org/a?x=1&y="2" now.')
    assert "&lt;b&gt;this&lt;/b&gt; &amp; " in html
    assert (
        '<a href="https://example.org/a?x=1&amp;y=" rel="noopener noreferrer nofollow" '
        'target="_blank">https://example.org/a?x=1&amp;y=</a>&quot;2&quot; now.'
    ) in html
    assert "<b>" not in html


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "data:text/html,<script>x</script>",
        "ftp://example.org/file",
        "mailto:a@example.org",
        "<a href='https://evil.example'>x</a>",
    ],
)
def test_only_http_and_https_become_links(text):
    html = comment_html(text)
    assert "<script" not in html and "<a href='" not in html
    if "https://evil.example" in text:
        # the URL inside the tag becomes a link of its own; the tag around it stays text
        assert html.startswith("&lt;a href=&#x27;")
        assert html.count("<a ") == 1
    else:
        assert "<a " not in html


def test_a_link_leaves_sentence_punctuation_outside():
    html = comment_html("Read (https://example.org/x). Then https://w.org/Foo_(bar), ok")
    assert ">https://example.org/x</a>). Then" in html
    assert ">https://w.org/Foo_(bar)</a>, ok" in html


def test_a_bare_scheme_is_not_a_link():
    assert "<a " not in comment_html("https:// is a scheme")


def test_mentions_are_found_once_each_and_not_in_emails_or_links():
    text = "@rita see this, @eddie. Also @rita and me@example.org https://x.org/@olga"
    assert mentioned_usernames(text) == ["rita", "eddie"]


def test_only_known_users_are_marked_and_the_name_is_escaped():
    html = comment_html("@rita and @ghost", known_users=["Rita"])
    assert html == '<span class="mention">@rita</span> and @ghost'


# --- services ----------------------------------------------------------------------------


@pytest.fixture
def seed(db):
    return scenarios.build()


def test_a_comment_mentions_colleagues_mails_them_and_is_audited(
    seed, reviewer, editor, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    editor.email = "eddie@example.org"
    editor.save()
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_add(
            article=seed.article,
            claim=seed.arms,
            body="@eddie is $9.8bn a range? @olga @rita @nobody https://example.org",
            actor=reviewer,
        )
    # olga has no role, rita wrote it, nobody does not exist: only eddie is mentioned
    assert [m.user for m in comment.mentions.all()] == [editor]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["eddie@example.org"]
    assert "rita mentioned you" in mail.subject
    assert f"/articles/{seed.article.pk}/?claim={seed.arms.pk}" in mail.body
    assert Mention.objects.get().emailed_at is not None
    event = AuditEvent.objects.get(verb="comment.add")
    assert (event.actor, event.article, event.target_id) == (reviewer, seed.article, comment.pk)
    assert event.after is not None
    assert event.after["mentioned"] == ["eddie"] and event.after["claim"] == seed.arms.pk


def test_a_mention_without_an_address_sends_nothing_and_a_failing_server_keeps_the_comment(
    seed, reviewer, editor, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(article=seed.article, body="@eddie look", actor=reviewer)
    assert mailoutbox == []
    editor.email = "eddie@example.org"
    editor.save()

    def refuse(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("annotations.services.comments.send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_add(article=seed.article, body="@eddie again", actor=reviewer)
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert comment.mentions.get().emailed_at is None


def test_empty_long_or_foreign_claim_comments_are_refused(seed, reviewer, outsider):
    other = factories.article(title="Other")
    claim = factories.claim(other, "council")
    with pytest.raises(services.ServiceError, match="needs some text"):
        services.comment_add(article=seed.article, body="   \n", actor=reviewer)
    with pytest.raises(services.ServiceError, match="at most 5,000"):
        services.comment_add(article=seed.article, body="x" * 5001, actor=reviewer)
    with pytest.raises(services.ServiceError, match="another article"):
        services.comment_add(article=seed.article, claim=claim, body="hi", actor=reviewer)
    with pytest.raises(PermissionDenied):
        services.comment_add(article=seed.article, body="hi", actor=outsider)
    assert (
        not Comment.objects.exists() and not AuditEvent.objects.filter(verb="comment.add").exists()
    )


def test_only_the_author_edits_and_a_stale_version_is_a_conflict(seed, reviewer, editor):
    comment = services.comment_add(article=seed.article, body="first", actor=reviewer)
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment_id=comment.pk, body="hijack", actor=editor, version=1)
    edited = services.comment_edit(
        comment_id=comment.pk, body="second @eddie", actor=reviewer, version=1
    )
    assert (edited.body, edited.version) == ("second @eddie", 2)
    assert [m.user for m in edited.mentions.all()] == [editor]  # newly named: mentioned
    with pytest.raises(services.CommentConflict) as info:
        services.comment_edit(comment_id=comment.pk, body="third", actor=reviewer, version=1)
    assert info.value.current.body == "second @eddie"
    assert Comment.objects.get().body == "second @eddie"
    event = AuditEvent.objects.get(verb="comment.edit")
    assert event.after is not None
    assert (event.before, event.after["comment"]) == ({"comment": "first"}, "second @eddie")


def test_delete_blanks_the_comment_keeps_the_text_in_the_history_and_reads_its_mentions(
    seed, reviewer, editor
):
    comment = services.comment_add(
        article=seed.article, claim=seed.aid, body="@eddie wrong figure", actor=reviewer
    )
    with pytest.raises(services.CommentConflict):
        services.comment_delete(comment_id=comment.pk, actor=reviewer, version=7)
    services.comment_delete(comment_id=comment.pk, actor=reviewer, version=1)
    comment.refresh_from_db()
    assert comment.is_deleted and comment.body == "" and comment.version == 2
    assert Mention.objects.get().read_at is not None
    with pytest.raises(services.ServiceError, match="deleted"):
        services.comment_edit(comment_id=comment.pk, body="back", actor=reviewer, version=2)
    history = claim_history(seed.aid)
    labels = [entry.label for entry in history]
    assert labels[:2] == ["deleted a comment", "commented"]
    deleted = history[0].changes[0]
    assert (deleted.field, deleted.before, deleted.after) == (
        "comment",
        "@eddie wrong figure",
        None,
    )


def test_mentions_list_and_unread_count(seed, reviewer, editor):
    services.comment_add(article=seed.article, body="@eddie one", actor=reviewer)
    services.comment_add(article=seed.article, claim=seed.aid, body="@eddie two", actor=reviewer)
    assert comment_reads.unread_mention_count(editor) == 2
    assert comment_reads.unread_mention_count(reviewer) == 0
    first = comment_reads.mentions_for(editor)[-1].mention
    assert services.mentions_mark_read(user=editor, mention_ids=[first.pk]) == 1
    assert comment_reads.unread_mention_count(editor) == 1
    assert services.mentions_mark_read(user=reviewer) == 0  # not theirs to read
    assert services.mentions_mark_read(user=editor) == 1
    assert comment_reads.unread_mention_count(editor) == 0


# --- views -------------------------------------------------------------------------------


def test_htmx_comment_comes_back_as_the_thread_with_links_and_mentions(
    client, seed, reviewer, editor
):
    client.force_login(reviewer)
    response = client.post(
        f"/claims/{seed.arms.pk}/comments/",
        {"body": "@eddie <script>x</script> https://example.org/s"},
        headers={"HX-Request": "true", "HX-Target": f"comments-claim-{seed.arms.pk}"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="comments-claim-{seed.arms.pk}"')
    assert "<html" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
    assert '<a href="https://example.org/s" rel="noopener noreferrer nofollow"' in html
    assert '<span class="mention">@eddie</span>' in html
    assert f'action="/comments/{Comment.objects.get().pk}/edit/"' in html  # hers to edit
    # the panel's history, out of band, has the comment as its newest line
    history = html.split('<div id="claim-history" hx-swap-oob="true">')[1]
    assert '<span class="verb">commented</span>' in history


def test_a_plain_post_redirects_to_the_claim_and_an_empty_one_is_400(client, seed, reviewer):
    client.force_login(reviewer)
    response = client.post(f"/claims/{seed.arms.pk}/comments/", {"body": "Looks right"})
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{seed.article.pk}/?claim={seed.arms.pk}"
    response = client.post(f"/articles/{seed.article.pk}/comments/", {"body": " "})
    assert response.status_code == 400
    assert "A comment needs some text." in response.content.decode()
    page = client.get(f"/articles/{seed.article.pk}/comments/").content.decode()
    assert "Comments on the article" in page and "Looks right" not in page  # the claim's own


def test_editing_with_a_stale_version_is_409_and_shows_the_current_text(client, seed, reviewer):
    comment = services.comment_add(article=seed.article, body="v1 text", actor=reviewer)
    services.comment_edit(comment_id=comment.pk, body="v2 text", actor=reviewer, version=1)
    client.force_login(reviewer)
    response = client.post(
        f"/comments/{comment.pk}/edit/",
        {"body": "my v1 edit", "version": 1},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Not saved" in html and "v2 text" in html and "my v1 edit" in html
    assert Comment.objects.get().body == "v2 text"


def test_someone_elses_comment_cannot_be_deleted(client, seed, reviewer, editor):
    comment = services.comment_add(article=seed.article, body="mine", actor=reviewer)
    client.force_login(editor)
    response = client.post(f"/comments/{comment.pk}/delete/", {"version": 1})
    assert response.status_code == 403
    assert not Comment.objects.get().is_deleted


def test_the_mentions_page_and_the_nav_count(client, seed, reviewer, editor):
    services.comment_add(article=seed.article, claim=seed.aid, body="@eddie see", actor=reviewer)
    client.force_login(editor)
    queue = client.get("/").content.decode()
    assert 'class="mentions-link">Mentions <span class="nav-count">1<' in queue
    page = client.get("/mentions/").content.decode()
    assert "rita</strong> on claim #" in page and "1 unread" in page
    mention = Mention.objects.get()
    response = client.post("/mentions/read/", {"mention": mention.pk})
    assert response["Location"] == f"/articles/{seed.article.pk}/?claim={seed.aid.pk}"
    assert 'class="nav-count"' not in client.get("/").content.decode()
    client.force_login(reviewer)  # another person's mention is not found
    assert client.post("/mentions/read/", {"mention": mention.pk}).status_code == 404


def test_the_claim_panel_fetches_its_thread_and_the_history_shows_comments(client, seed, reviewer):
    services.comment_add(article=seed.article, claim=seed.arms, body="Range?", actor=reviewer)
    client.force_login(reviewer)
    page = client.get(f"/articles/{seed.article.pk}/?claim={seed.arms.pk}").content.decode()
    assert f'hx-get="/claims/{seed.arms.pk}/comments/" hx-trigger="intersect once"' in page
    assert f'hx-get="/articles/{seed.article.pk}/comments/" hx-trigger="intersect once"' in page
    assert "commented" in page and '<ins dir="auto">Range?</ins>' in page  # the claim's history
