"""How good the machine is, measured by what reviewers made of its suggestions.

Every machine suggestion and every reviewer decision sits on the same rows (``origin``,
``review_state``, the ``machine_*`` copy of a corrected span, a flag's ``dismissed_at``), so
the machine's quality per pipeline version is a handful of ``GROUP BY`` queries, never a loop
over rows:

Claims and attributions, each counted under the version of the run that proposed it:

- **confirmed** machine suggestion: a true positive (a hit);
- **rejected** machine suggestion: a false positive;
- **corrected** machine suggestion (the reviewer moved its span or parts): a *partial hit*,
  counted on its own (``partial``) and as a hit worth ``PARTIAL_CREDIT`` (one half) in
  precision and recall: the machine found the claim but not its exact extent;
- **reviewer-added** (``origin=reviewer``, not rejected): a false negative, counted under the
  version of the article's latest successful run before it was added (the run whose output
  the reviewer was correcting);
- **pending**: no decision yet, not counted (shown as ``pending``).

Flags, per type: a flag an editor **dismissed** is a false alarm; a flag left standing on a
claim a reviewer kept (confirmed or corrected) is a true alarm (the flags are the machine's
questions to the reviewer, and only editors can dismiss them: an editor can still dismiss it
later, which moves it to the false alarms); a flag on a pending claim is pending, and one on
a rejected claim is moot (the claim went, the question with it): neither is counted. Flags
have no false negatives we can know of, so their recall is undefined; their precision is the
share of alarms accepted.

Rows whose run is unknown (made by hand, or the run was deleted) fall under the version "".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce

from ..models import AnnotationRun, Attribution, Claim, Flag, Origin, ReviewState

PARTIAL_CREDIT = 0.5
CLAIM = "claim"
ATTRIBUTION = "attribution"
FLAG_PREFIX = "flag:"
UNKNOWN_VERSION = ""

# the state names the grouped queries use
_TP, _PARTIAL, _FP, _FN, _PENDING, _MOOT = "tp", "partial", "fp", "fn", "pending", "moot"


@dataclass(frozen=True)
class Version:
    """What proposed a suggestion: the pipeline's version, the spaCy model's, and the claim
    scorer's (``AnnotationRun.model_versions["checkworthy"]``: a retrained scorer changes
    the claims without changing the other two)."""

    pipeline: str
    model: str = ""
    scorer: str = ""

    @property
    def label(self) -> str:
        if not (self.pipeline or self.model or self.scorer):
            return "unknown"
        parts = [self.pipeline or "?"]
        parts += [f"model {self.model}"] if self.model else []
        parts += [f"scorer {self.scorer}"] if self.scorer else []
        return " · ".join(parts)


@dataclass(frozen=True)
class QualityRow:
    """The machine's record on one kind of suggestion under one version, with its counts.

    ``kind`` is "claim", "attribution" or "flag:<type>"."""

    kind: str
    label: str
    version: Version
    true_positives: int = 0  # confirmed as proposed (flags: kept, a true alarm)
    partial: int = 0  # corrected: found, but not its exact extent
    false_positives: int = 0  # rejected (flags: dismissed, a false alarm)
    false_negatives: int = 0  # added by a reviewer: the machine missed it
    pending: int = 0  # not decided yet: not counted
    moot: int = 0  # flags on a rejected claim: not counted

    @property
    def hits(self) -> float:
        return self.true_positives + PARTIAL_CREDIT * self.partial

    @property
    def proposed(self) -> int:
        """Machine suggestions with a decision."""
        return self.true_positives + self.partial + self.false_positives

    @property
    def relevant(self) -> int:
        """What reviewers say should have been found (what they kept, plus what they added)."""
        return self.true_positives + self.partial + self.false_negatives

    @property
    def precision(self) -> float | None:
        return self.hits / self.proposed if self.proposed else None

    @property
    def recall(self) -> float | None:
        if self.kind.startswith(FLAG_PREFIX) or not self.relevant:
            return None
        return self.hits / self.relevant

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)

    @property
    def decided(self) -> int:
        return self.proposed + self.false_negatives


@dataclass(frozen=True)
class MachineQuality:
    rows: list[QualityRow] = field(default_factory=list)

    def for_kind(self, kind: str) -> list[QualityRow]:
        return [r for r in self.rows if r.kind == kind]

    def row(self, kind: str, version: Version) -> QualityRow | None:
        return next((r for r in self.rows if r.kind == kind and r.version == version), None)

    @property
    def versions(self) -> list[Version]:
        return sorted({r.version for r in self.rows}, key=lambda v: (v.pipeline, v.model, v.scorer))

    @property
    def flag_rows(self) -> list[QualityRow]:
        return [r for r in self.rows if r.kind.startswith(FLAG_PREFIX)]

    def flags_by_type(self) -> list[QualityRow]:
        """Each flag type over every version (the dashboard's acceptance rates)."""
        summed: dict[str, QualityRow] = {}
        for r in self.flag_rows:
            prev = summed.get(r.kind) or QualityRow(r.kind, r.label, Version("all versions"))
            summed[r.kind] = replace(
                prev,
                true_positives=prev.true_positives + r.true_positives,
                false_positives=prev.false_positives + r.false_positives,
                pending=prev.pending + r.pending,
                moot=prev.moot + r.moot,
            )
        return [summed[k] for k in sorted(summed)]


# the run's fields each version part comes from
_VERSION_FIELDS = {
    "pv": "pipeline_version",
    "mv": "model_version",
    "sv": "model_versions__checkworthy",
}


def _run_field(prefix: str, name: str) -> KeyTextTransform | F:
    field_name, _, key = name.partition("__")
    # KT("a__b__key") would take "a" for the JSON field: across a relation, spell it out
    return KeyTextTransform(key, f"{prefix}{field_name}") if key else F(f"{prefix}{name}")


def _latest_run(run_article: str, created_at: str, name: str) -> Subquery:
    """A version field of the article's latest successful run before the row was made."""
    runs = AnnotationRun.objects.filter(
        article_id=OuterRef(run_article),
        status=AnnotationRun.Status.SUCCEEDED,
        created_at__lte=OuterRef(created_at),
    ).order_by("-created_at", "-id")
    return Subquery(runs.values(v=_run_field("", name))[:1], output_field=CharField())


def _versioned(qs: QuerySet, run: str, article: str, created_at: str) -> list[QuerySet]:
    """``qs`` in two parts, each with the version fields ``pv``, ``mv`` and ``sv``: the rows
    a run proposed, with its versions (a plain join), and the rest (reviewer-added, or their
    run deleted), with those of the article's latest successful run before the row was
    made. Split so that the correlated subqueries run only on those few rows."""
    proposed = qs.filter(**{f"{run}__isnull": False}).annotate(
        pv=F(f"{run}__pipeline_version"),
        mv=F(f"{run}__model_version"),
        # grouped on the whole (small) JSON, the scorer's key read here: extracting it in
        # SQL for every row costs a third more than the rest of the query
        sv=F(f"{run}__model_versions"),
    )
    others = qs.filter(**{f"{run}__isnull": True}).annotate(
        **{
            key: Coalesce(
                _latest_run(article, created_at, name),
                Value(UNKNOWN_VERSION),
                output_field=CharField(),
            )
            for key, name in _VERSION_FIELDS.items()
        }
    )
    return [proposed, others]


def _span_outcome(origin: str, state: str) -> str:
    if origin == Origin.MACHINE:
        return {
            ReviewState.CONFIRMED: _TP,
            ReviewState.CORRECTED: _PARTIAL,
            ReviewState.REJECTED: _FP,
        }.get(ReviewState(state), _PENDING)
    # a reviewer's own row: kept (confirmed or re-spanned) is what the machine missed
    return _MOOT if state == ReviewState.REJECTED else _FN


def _flag_outcome(dismissed: bool, claim_state: str) -> str:
    if dismissed:
        return _FP
    if claim_state in (ReviewState.CONFIRMED, ReviewState.CORRECTED):
        return _TP
    return _MOOT if claim_state == ReviewState.REJECTED else _PENDING


type Counts = dict[tuple[str, Version], dict[str, int]]


def _version(pv: str | None, mv: str | None, sv: dict | str | None) -> Version:
    scorer = sv.get("checkworthy", "") if isinstance(sv, dict) else sv
    return Version(pv or "", mv or "", str(scorer or ""))


def _count_spans(model: type[Claim] | type[Attribution], kind: str) -> Counts:
    counts: Counts = defaultdict(lambda: defaultdict(int))
    for part in _versioned(model.objects.all(), "run", "article_id", "created_at"):
        rows = (
            part.values_list("pv", "mv", "sv", "origin", "review_state")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for pv, mv, sv, origin, state, n in rows:
            counts[(kind, _version(pv, mv, sv))][_span_outcome(origin, state)] += n
    return counts


def _count_flags() -> Counts:
    counts: Counts = defaultdict(lambda: defaultdict(int))
    dismissed = ExpressionWrapper(Q(dismissed_at__isnull=False), output_field=BooleanField())
    parts = _versioned(Flag.objects.all(), "claim__run", "claim__article_id", "claim__created_at")
    for part in parts:
        rows = (
            part.annotate(dismissed=dismissed)
            .values_list("pv", "mv", "sv", "type", "dismissed", "claim__review_state")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for pv, mv, sv, kind, is_dismissed, state, n in rows:
            key = (f"{FLAG_PREFIX}{kind}", _version(pv, mv, sv))
            counts[key][_flag_outcome(bool(is_dismissed), state)] += n
    return counts


_FIELD_OF = {
    _TP: "true_positives",
    _PARTIAL: "partial",
    _FP: "false_positives",
    _FN: "false_negatives",
    _PENDING: "pending",
    _MOOT: "moot",
}


def _label(kind: str) -> str:
    if kind == CLAIM:
        return "Claims"
    if kind == ATTRIBUTION:
        return "Attributions"
    value = kind.removeprefix(FLAG_PREFIX)
    try:
        return f"Flag: {Flag.Type(value).label}"
    except ValueError:
        return f"Flag: {value}"


def machine_quality() -> MachineQuality:
    """Precision and recall per kind (claims, attributions, each flag type) and version.

    Six queries whatever the number of rows: for claims, attributions and flags, one grouped
    query for what a run proposed and one for the rest (so the correlated subquery that
    finds their version runs only on those few rows)."""
    counts: Counts = {}
    counts |= _count_spans(Claim, CLAIM)
    counts |= _count_spans(Attribution, ATTRIBUTION)
    counts |= _count_flags()

    order = {CLAIM: 0, ATTRIBUTION: 1}
    rows = [
        QualityRow(
            kind=kind,
            label=_label(kind),
            version=version,
            **{_FIELD_OF[outcome]: n for outcome, n in by_outcome.items()},
        )
        for (kind, version), by_outcome in counts.items()
    ]
    rows.sort(
        key=lambda r: (
            order.get(r.kind, 2),
            r.kind,
            r.version.pipeline,
            r.version.model,
            r.version.scorer,
        )
    )
    return MachineQuality(rows)
