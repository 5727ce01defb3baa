"""Forms parse what the browser sends into typed values; services decide what it means.

Span forms only check shape (integers, start before end): whether the offsets fit the text is
the service's call (``validate_span``), so a form and an import command give the same message.
"""

from __future__ import annotations

import importlib
import json
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from . import services
from .ingest import parse_article_header, parse_date
from .models import Article, Claim, EvidenceLink, Rating
from .nlp.types import CLAIM_KINDS
from .services.articles import content_hash
from .textio import TextInputError, check_text, decode_text


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "All")] + list(Article.Status.choices))
    outlet = forms.CharField(required=False, max_length=200)
    mine = forms.BooleanField(required=False, label="Assigned to me")
    flagged = forms.BooleanField(required=False, label="Has open flags")
    q = forms.CharField(required=False, max_length=200, label="Search title or outlet")

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class ActionForm(forms.Form):
    """No fields: the POST and its CSRF token are the whole request (publish, unpublish)."""


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


def _check_order(data: dict[str, Any]) -> dict[str, Any]:
    start, end = data.get("start"), data.get("end")
    if start is not None and end is not None and start >= end:
        raise ValidationError(
            f"The selection {start}–{end} is empty or reversed: select some text first."
        )
    return data


class SpanForm(VersionForm):
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)

    def clean(self) -> dict[str, Any]:
        return _check_order(super().clean())


class ClaimAddForm(forms.Form):
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    kinds = forms.MultipleChoiceField(
        required=False, choices=[(k, k) for k in CLAIM_KINDS], widget=forms.CheckboxSelectMultiple
    )

    def clean(self) -> dict[str, Any]:
        return _check_order(super().clean())


PARTS = [("speaker", "Speaker"), ("cue", "Cue"), ("content", "Content")]


class AttributionEditForm(VersionForm):
    """One part of an attribution, from a selection (start/end), a suggested entity, or
    cleared (speaker only)."""

    part = forms.ChoiceField(choices=PARTS)
    start = forms.IntegerField(min_value=0, required=False)
    end = forms.IntegerField(min_value=0, required=False)
    entity = forms.IntegerField(min_value=1, required=False)
    clear = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end, entity = data.get("start"), data.get("end"), data.get("entity")
        if data.get("clear"):
            if data.get("part") != "speaker":
                raise ValidationError("Only the speaker can be cleared.")
            return data
        if entity:
            return data
        if start is None or end is None:
            raise ValidationError("Select text in the article (or pick a suggested entity).")
        if start >= end:
            raise ValidationError(f"The selection {start}–{end} is empty or reversed.")
        return data


class AttributionAddForm(forms.Form):
    speaker_start = forms.IntegerField(min_value=0, required=False)
    speaker_end = forms.IntegerField(min_value=0, required=False)
    cue_start = forms.IntegerField(min_value=0)
    cue_end = forms.IntegerField(min_value=0)
    content_start = forms.IntegerField(min_value=0)
    content_end = forms.IntegerField(min_value=0)
    direct = forms.BooleanField(required=False, label="Direct quote")

    def span(self, part: str) -> tuple[int, int] | None:
        start, end = self.cleaned_data.get(f"{part}_start"), self.cleaned_data.get(f"{part}_end")
        return None if start is None or end is None else (start, end)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("speaker_start") is None) != (data.get("speaker_end") is None):
            raise ValidationError("The speaker needs both a start and an end (or neither).")
        return data


class FlagDismissForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class VerdictForm(forms.Form):
    rating = forms.ModelChoiceField(queryset=Rating.objects.none(), empty_label="Choose a rating…")
    rationale = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.ModelMultipleChoiceField(
        queryset=EvidenceLink.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    verdict_version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = Rating.objects.filter(scale__is_default=True)
        self.fields["evidence"].queryset = EvidenceLink.objects.filter(claim=claim)


class AssignForm(forms.Form):
    assignee = forms.IntegerField(min_value=1, required=False)


# --- adding articles ------------------------------------------------------------------------


def _read_upload(upload, *, label: str, max_bytes: int) -> str:
    data = upload.read(max_bytes + 1)
    try:
        return decode_text(data, label=label, max_bytes=max_bytes)
    except TextInputError as exc:
        raise ValidationError(str(exc)) from None


def parse_source_header(text: str) -> tuple[str, date | None]:
    """ "Name (22/9/2025): …" → (name, date) through the NLP layout helper, when it exists.

    The helper belongs to the NLP layer and may not be written yet; without it the name and
    date simply stay blank (the reviewer can fill them in).
    """
    try:
        layout = importlib.import_module("annotations.nlp.layout")
    except ImportError:
        return "", None
    parse = getattr(layout, "parse_source_header", None)
    if parse is None:
        return "", None
    result = parse(text)
    if not result:
        return "", None
    if isinstance(result, tuple):
        name, when = (list(result) + [None, None])[:2]
    else:
        name = getattr(result, "name", "")
        when = getattr(result, "published_on", None) or getattr(result, "date", None)
    if isinstance(when, str):
        when = parse_date(when)
    return (name or "").strip(), when if isinstance(when, date) else None


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=500, required=False, help_text="Blank: taken from the text")
    outlet = forms.CharField(max_length=200, required=False)
    url = forms.URLField(max_length=1000, required=False, label="URL")
    published_on = forms.DateField(
        required=False, label="Date", widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Paste the article, or upload a UTF-8 text file below.",
    )
    file = forms.FileField(required=False, label="…or a text file")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text, upload = data.get("text") or "", data.get("file")
        max_bytes = settings.FACTCHECK_MAX_TEXT_BYTES
        if upload and text.strip():
            raise ValidationError("Paste the text or upload a file, not both.")
        if upload:
            text = _read_upload(upload, label=upload.name or "the file", max_bytes=max_bytes)
        elif text.strip():
            # Browsers submit textarea newlines as CR LF; the pasted text had plain LF.
            text = text.replace("\r\n", "\n")
            try:
                text = check_text(text, label="The article text", max_bytes=max_bytes)
            except TextInputError as exc:
                raise ValidationError(str(exc)) from None
        else:
            raise ValidationError("Paste the article text or upload a file.")
        data["body"] = text
        header = parse_article_header(text)
        data["title"] = data.get("title") or header.title
        data["outlet"] = data.get("outlet") or header.outlet
        data["published_on"] = data.get("published_on") or header.published_on
        if not data["title"]:
            raise ValidationError("The article needs a title and none was found in the text.")
        return data


class SourceForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    published_on = forms.DateField(
        required=False, label="Date", widget=forms.DateInput(attrs={"type": "date"})
    )
    url = forms.URLField(max_length=1000, required=False, label="URL")
    text = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(required=False, label="…or a text file")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text, upload = data.get("text") or "", data.get("file")
        if upload and text.strip():
            raise ValidationError("Paste the source or upload a file, not both.")
        if upload:
            text = _read_upload(
                upload,
                label=upload.name or "the source file",
                max_bytes=settings.FACTCHECK_MAX_TEXT_BYTES,
            )
        elif text.strip():
            text = text.replace("\r\n", "\n")  # textarea CR LF, as for the article
        data["body"] = text if text.strip() else ""
        if data["body"] and not (data.get("name") and data.get("published_on")):
            name, when = parse_source_header(data["body"])
            data["name"] = data.get("name") or name
            data["published_on"] = data.get("published_on") or when
        return data

    def source_input(self) -> services.SourceInput | None:
        data = self.cleaned_data
        if not data.get("body"):
            return None
        return services.SourceInput(
            text=data["body"],
            name=data.get("name") or "",
            published_on=data.get("published_on"),
            url=data.get("url") or "",
        )


SourceFormSet = forms.formset_factory(SourceForm, extra=2, max_num=50)


def article_input(form: ArticleForm, sources) -> services.ArticleInput:
    data = form.cleaned_data
    return services.ArticleInput(
        title=data["title"],
        body=data["body"],
        outlet=data.get("outlet") or "",
        url=data.get("url") or "",
        published_on=data.get("published_on"),
        sources=tuple(s for s in (f.source_input() for f in sources.forms) if s is not None),
    )


# --- JSONL batches --------------------------------------------------------------------------

_ARTICLE_KEYS = {"title", "text", "outlet", "url", "date", "sources"}
_SOURCE_KEYS = {"name", "text", "date", "url"}
_url = URLValidator()


def _at(where: str) -> str:
    return f"{where}: " if where else ""


def _string(obj: dict, key: str, where: str, required: bool = False) -> str:
    value = obj.get(key)
    if value is None or value == "":
        if required:
            raise ValueError(f"{_at(where)}“{key}” is missing or empty")
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{_at(where)}“{key}” must be a string, got {type(value).__name__}")
    return value


def _date(obj: dict, where: str) -> date | None:
    raw = _string(obj, "date", where)
    if not raw:
        return None
    parsed = parse_date(raw)
    if parsed is None:
        raise ValueError(f"{_at(where)}“date” {raw!r} is not a date (use YYYY-MM-DD)")
    return parsed


def _link(obj: dict, where: str) -> str:
    raw = _string(obj, "url", where)
    if raw:
        try:
            _url(raw)
        except ValidationError:
            raise ValueError(f"{_at(where)}“url” {raw[:80]!r} is not a valid URL") from None
    return raw


def _text(obj: dict, where: str, max_bytes: int) -> str:
    text = _string(obj, "text", where, required=True)
    try:
        check_text(text, label=f"{_at(where)}“text”", max_bytes=max_bytes)
        text.encode("utf-8")
    except TextInputError as exc:
        raise ValueError(str(exc)) from None
    except UnicodeEncodeError:
        raise ValueError(
            f"{_at(where)}“text” contains invalid characters (lone surrogates)"
        ) from None
    return text


def parse_article_line(raw: str, *, max_bytes: int) -> services.ArticleInput:
    """One JSONL line → ArticleInput, or ValueError with every problem of the line."""
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"must be a JSON object, got {type(obj).__name__}")
    problems: list[str] = []
    unknown = sorted(set(obj) - _ARTICLE_KEYS)
    if unknown:
        problems.append("unknown field(s) " + ", ".join(f"“{k}”" for k in unknown))

    def attempt(fn, *args):
        try:
            return fn(*args)
        except ValueError as exc:
            problems.append(str(exc))
            return None

    title = attempt(_string, obj, "title", "", True) or ""
    body = attempt(_text, obj, "", max_bytes) or ""
    outlet = attempt(_string, obj, "outlet", "") or ""
    url = attempt(_link, obj, "") or ""
    published_on = attempt(_date, obj, "")
    sources = []
    raw_sources = obj.get("sources") or []
    if not isinstance(raw_sources, list):
        problems.append("“sources” must be a list")
        raw_sources = []
    for n, src in enumerate(raw_sources, start=1):
        where = f"source {n}"
        if not isinstance(src, dict):
            problems.append(f"{where}: must be an object")
            continue
        unknown = sorted(set(src) - _SOURCE_KEYS)
        if unknown:
            problems.append(f"{where}: unknown field(s) " + ", ".join(f"“{k}”" for k in unknown))
        text = attempt(_text, src, where, max_bytes)
        source = services.SourceInput(
            text=text or "",
            name=attempt(_string, src, "name", where) or "",
            published_on=attempt(_date, src, where),
            url=attempt(_link, src, where) or "",
        )
        sources.append(source)
    if problems:
        raise ValueError("; ".join(problems))
    return services.ArticleInput(
        title=title,
        body=body,
        outlet=outlet,
        url=url,
        published_on=published_on,
        sources=tuple(sources),
    )


class BatchForm(forms.Form):
    file = forms.FileField(
        label="JSONL file",
        help_text='One article per line: {"title", "text", "outlet", "url", "date", '
        '"sources": [{"name", "text", "date", "url"}]}',
    )

    def clean_file(self) -> list[tuple[int, services.ArticleInput]]:
        upload = self.cleaned_data["file"]
        content = _read_upload(
            upload, label=upload.name or "the batch", max_bytes=settings.FACTCHECK_MAX_BATCH_BYTES
        )
        items, errors, seen = [], [], {}
        for number, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = parse_article_line(line, max_bytes=settings.FACTCHECK_MAX_TEXT_BYTES)
            except ValueError as exc:
                errors.append(f"Line {number}: {exc}")
                continue
            digest = content_hash(item.body)
            if digest in seen:
                errors.append(f"Line {number}: same article text as line {seen[digest]}")
                continue
            seen[digest] = number
            items.append((number, item))
        if errors:
            raise ValidationError([f"Nothing was imported: {len(errors)} bad line(s)."] + errors)
        if not items:
            raise ValidationError("The file has no articles (one JSON object per line).")
        return items
