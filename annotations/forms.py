"""Forms parse what the browser sends into typed values; services decide what it means.

Span forms only check shape (integers, start before end): whether the offsets fit the text is
the service's call (``validate_span``), so a form and an import command give the same message.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.formsets import BaseFormSet

from . import services
from .ingest import jsonl
from .ingest.headers import parse_article_header, parse_source_header
from .ingest.text import TextInputError, check_text, decode_text
from .models import Article, Claim, EvidenceLink, Rating
from .nlp.types import CLAIM_KINDS


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
        super().clean()
        return _check_order(self.cleaned_data)


class ClaimAddForm(forms.Form):
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    kinds = forms.MultipleChoiceField(
        required=False, choices=[(k, k) for k in CLAIM_KINDS], widget=forms.CheckboxSelectMultiple
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        return _check_order(self.cleaned_data)


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
        super().clean()
        data = self.cleaned_data
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
        super().clean()
        data = self.cleaned_data
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
    claim_reviewed = forms.CharField(max_length=5000, required=False, label="Claim reviewed")
    claimant = forms.CharField(max_length=100, required=False, label="Who made the claim")
    # The form's second button: save, then submit for publication.
    submit_for_publication = forms.BooleanField(required=False)

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # ``self.fields`` holds per-instance copies typed as plain ``Field``s.
        rating, evidence = self.fields["rating"], self.fields["evidence"]
        assert isinstance(rating, forms.ModelChoiceField)
        assert isinstance(evidence, forms.ModelMultipleChoiceField)
        rating.queryset = Rating.objects.filter(scale__is_default=True)
        evidence.queryset = EvidenceLink.objects.filter(claim=claim)

    def clean_claimant(self) -> services.ClaimantChoice:
        try:
            return services.ClaimantChoice.parse(self.cleaned_data.get("claimant") or "")
        except services.ServiceError as exc:
            raise ValidationError(exc.messages) from None


class VerdictVersionForm(forms.Form):
    """A step in a verdict's publication: the version the person saw must still be current."""

    verdict_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class VerdictPublishForm(VerdictVersionForm):
    note = forms.CharField(max_length=2000, required=False, label="Correction note", strip=True)


class VerdictReturnForm(VerdictVersionForm):
    note = forms.CharField(max_length=2000, label="What should change")


class VerdictWithdrawForm(VerdictVersionForm):
    reason = forms.CharField(max_length=2000, label="Why it is withdrawn")


class RejectForm(VersionForm):
    discard_draft = forms.BooleanField(required=False)


class AssignForm(forms.Form):
    assignee = forms.IntegerField(min_value=1, required=False)
    takeover = forms.BooleanField(required=False)  # confirms taking it from its assignee


# --- adding articles ------------------------------------------------------------------------


class PastedTextField(forms.CharField):
    """A textarea for pasted article or source text. Django's own NUL check is dropped: it
    failed the field quietly and the form then said "Paste the article text", as if nothing
    had been pasted; ``check_text`` says what is wrong and where instead."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


def _read_upload(upload: UploadedFile, *, label: str, max_bytes: int) -> str:
    data = upload.read(max_bytes + 1)
    try:
        return decode_text(data, label=label, max_bytes=max_bytes)
    except TextInputError as exc:
        raise ValidationError(str(exc)) from None


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=500, required=False, help_text="Blank: taken from the text")
    outlet = forms.CharField(max_length=200, required=False)
    url = forms.URLField(max_length=1000, required=False, label="URL")
    published_on = forms.DateField(
        required=False, label="Date", widget=forms.DateInput(attrs={"type": "date"})
    )
    text = PastedTextField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Paste the article, or upload a UTF-8 text file below.",
    )
    file = forms.FileField(required=False, label="…or a text file")

    def _body(self, text: str, upload: UploadedFile | None) -> str:
        max_bytes = settings.FACTCHECK_MAX_TEXT_BYTES
        if upload and text.strip():
            raise ValidationError("Paste the text or upload a file, not both.")
        if upload:
            return _read_upload(upload, label=upload.name or "the file", max_bytes=max_bytes)
        if not text.strip():
            raise ValidationError("Paste the article text or upload a file.")
        # Browsers submit textarea newlines as CR LF: check_text stores them as LF.
        try:
            return check_text(text, label="The article text", max_bytes=max_bytes)
        except TextInputError as exc:
            raise ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        text = data["body"] = self._body(data.get("text") or "", data.get("file"))
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
    text = PastedTextField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(required=False, label="…or a text file")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        text: str = data.get("text") or ""
        upload: UploadedFile | None = data.get("file")
        if upload and text.strip():
            raise ValidationError("Paste the source or upload a file, not both.")
        if upload:
            text = _read_upload(
                upload,
                label=upload.name or "the source file",
                max_bytes=settings.FACTCHECK_MAX_TEXT_BYTES,
            )
        elif text.strip():
            try:
                text = check_text(
                    text, label="The source text", max_bytes=settings.FACTCHECK_MAX_TEXT_BYTES
                )
            except TextInputError as exc:
                raise ValidationError(str(exc)) from None
        data["body"] = text if text.strip() else ""
        if data["body"] and not (data.get("name") and data.get("published_on")):
            header = parse_source_header(data["body"])
            data["name"] = data.get("name") or header.name
            data["published_on"] = data.get("published_on") or header.published_on
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


# validate_max: without it Django binds forms past max_num (up to absolute_max) and a crafted
# POST got 60 sources in.
SourceFormSet = forms.formset_factory(
    SourceForm, extra=2, max_num=services.MAX_SOURCES, validate_max=True
)


def article_input(form: ArticleForm, sources: BaseFormSet[SourceForm]) -> services.ArticleInput:
    data = form.cleaned_data
    return services.ArticleInput(
        title=data["title"],
        body=data["body"],
        outlet=data.get("outlet") or "",
        url=data.get("url") or "",
        published_on=data.get("published_on"),
        sources=tuple(s for s in (f.source_input() for f in sources.forms) if s is not None),
    )


class BatchForm(forms.Form):
    """The JSONL upload; its lines are parsed by ``ingest.jsonl``, as ``import_batch``'s are."""

    file = forms.FileField(label="JSONL file", help_text=f"One article per line: {jsonl.FORMAT}")

    def clean_file(self) -> list[tuple[int, services.ArticleInput]]:
        upload: UploadedFile = self.cleaned_data["file"]
        content = _read_upload(
            upload, label=upload.name or "the batch", max_bytes=settings.FACTCHECK_MAX_BATCH_BYTES
        )
        try:
            return jsonl.parse_batch(content)
        except jsonl.BatchError as exc:
            raise ValidationError(exc.messages) from None
