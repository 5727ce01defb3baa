"""Reviewer decisions as a spaCy training corpus: DocBin files and their JSONL twin.

Plain records in (``TrainingArticle``, built from the database by ``annotations/training``),
files out, no Django. The layout of an export folder:

- ``train.spacy`` / ``dev.spacy``: ``DocBin``s, one ``Doc`` per article, tokenised by
  ``spacy.blank("en")`` (the English tokenizer rules the real model uses too, without loading
  it), spans in ``doc.spans["claims"]`` (labels ``CHECKWORTHY`` / ``NOT_CHECKWORTHY``) and
  ``doc.spans["attributions"]`` (``SPEAKER`` / ``CUE`` / ``CONTENT``), the article's id, key
  and split in ``doc.user_data``;
- ``train.jsonl`` / ``dev.jsonl``: the same articles, one a line (``id``, ``key``, ``split``,
  ``title``, ``text``, ``claims`` with ``label`` and ``how``, ``attributions``, and
  ``context``: the machine's undecided candidates, for the ranker's paragraph features only),
  with the exact character offsets into the stored text (the DocBin's spans are widened to
  whole tokens; the JSONL's are not);
- ``manifest.json``: counts, the split rule, the tokenizer and how many spans had to be
  widened to token boundaries or could not be placed at all.

The split is by article, never by sentence (sentences of one article share its topic and
wording): ``dev`` when ``int(sha256(key)[:8], 16) % 100 < DEV_PERCENT``, where ``key`` is the
article's content hash (the SHA-256 of its stored text), so an article stays on its side
across exports, re-imports and installs.

The folder is written whole or not at all: into a temporary sibling, then renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = "factcheck.training/1"
DEV_PERCENT = 20
SPLITS = ("train", "dev")
POSITIVE = "CHECKWORTHY"
NEGATIVE = "NOT_CHECKWORTHY"
MANIFEST = "manifest.json"
SPLIT_RULE = f"dev if int(sha256(article content hash)[:8], 16) % 100 < {DEV_PERCENT} else train"


class CorpusError(Exception):
    """The export cannot be written where it was asked to go."""


@dataclass(frozen=True)
class TrainingClaim:
    """A claim a reviewer decided on: ``label`` 1 if kept (confirmed, corrected, added), 0 if
    rejected. ``how`` says which decision (``confirmed``, ``corrected``, ``added``,
    ``rejected``); a corrected claim keeps the machine's span too."""

    start: int
    end: int
    text: str
    label: int
    how: str
    machine_start: int | None = None
    machine_end: int | None = None


@dataclass(frozen=True)
class TrainingSpan:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TrainingAttribution:
    """A reviewer-confirmed, corrected or added attribution in the article's text."""

    speaker: TrainingSpan | None
    cue: TrainingSpan
    content: TrainingSpan
    kind: str
    direct: bool
    how: str


@dataclass(frozen=True)
class TrainingArticle:
    id: int
    key: str  # the content hash: what the split is computed from
    title: str
    text: str
    claims: tuple[TrainingClaim, ...] = ()
    attributions: tuple[TrainingAttribution, ...] = ()
    split: str = field(default="")
    # The machine's other candidates (nobody decided on them): not labels, only the company a
    # claim keeps in its paragraph, which the ranker's turn features read.
    context: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if not self.split:
            object.__setattr__(self, "split", split_for(self.key))


def split_for(key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return "dev" if int(digest[:8], 16) % 100 < DEV_PERCENT else "train"


# --------------------------------------------------------------------------- JSONL


def article_to_json(article: TrainingArticle) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "id": article.id,
        "key": article.key,
        "split": article.split,
        "title": article.title,
        "text": article.text,
        "claims": [asdict(c) for c in article.claims],
        "attributions": [asdict(a) for a in article.attributions],
        "context": [list(span) for span in article.context],
    }


def _span_from(data: dict[str, Any] | None) -> TrainingSpan | None:
    return None if data is None else TrainingSpan(data["start"], data["end"], data["text"])


def article_from_json(data: dict[str, Any]) -> TrainingArticle:
    attributions = []
    for a in data.get("attributions", []):
        cue, content = _span_from(a["cue"]), _span_from(a["content"])
        assert cue is not None and content is not None
        attributions.append(
            TrainingAttribution(
                speaker=_span_from(a.get("speaker")),
                cue=cue,
                content=content,
                kind=a.get("kind", ""),
                direct=bool(a.get("direct", False)),
                how=a.get("how", ""),
            )
        )
    return TrainingArticle(
        id=int(data["id"]),
        key=data["key"],
        title=data.get("title", ""),
        text=data["text"],
        claims=tuple(TrainingClaim(**c) for c in data.get("claims", [])),
        attributions=tuple(attributions),
        split=data["split"],
        context=tuple((int(s), int(e)) for s, e in data.get("context", [])),
    )


def read_jsonl(folder: Path) -> list[TrainingArticle]:
    """Every article of an export folder (train first, then dev)."""
    out = []
    for split in SPLITS:
        path = folder / f"{split}.jsonl"
        if not path.exists():
            raise CorpusError(f"{path} is missing: not an export folder")
        with path.open(encoding="utf-8") as fh:
            out += [article_from_json(json.loads(line)) for line in fh if line.strip()]
    return out


# --------------------------------------------------------------------------- DocBin


@dataclass
class SpanCounts:
    """How the character spans fitted spaCy's tokens."""

    placed: int = 0
    adjusted: int = 0  # widened to token boundaries (alignment_mode="expand")
    dropped: int = 0  # no token at all (whitespace only)


def _add_span(doc: Any, start: int, end: int, label: str, out: list[Any], n: SpanCounts) -> None:
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is None or not len(span):
        n.dropped += 1
        return
    n.placed += 1
    if (span.start_char, span.end_char) != (start, end):
        n.adjusted += 1
    out.append(span)


def article_doc(nlp: Any, article: TrainingArticle, counts: SpanCounts) -> Any:
    doc = nlp.make_doc(article.text)
    claims: list[Any] = []
    for c in article.claims:
        _add_span(doc, c.start, c.end, POSITIVE if c.label else NEGATIVE, claims, counts)
    attributions: list[Any] = []
    for a in article.attributions:
        parts = [("SPEAKER", a.speaker), ("CUE", a.cue), ("CONTENT", a.content)]
        for label, part in parts:
            if part is not None:
                _add_span(doc, part.start, part.end, label, attributions, counts)
    doc.spans["claims"] = claims
    doc.spans["attributions"] = attributions
    doc.user_data["article_id"] = article.id
    doc.user_data["article_key"] = article.key
    doc.user_data["split"] = article.split
    return doc


# --------------------------------------------------------------------------- the folder


def _check_target(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise CorpusError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise CorpusError(f"{out} is not empty: name an empty folder, or pass --force")
        if not (out / MANIFEST).is_file():
            raise CorpusError(
                f"{out} is not empty and holds no previous export ({MANIFEST} is missing): "
                "--force only replaces an earlier export"
            )


def write_corpus(
    articles: Iterable[TrainingArticle], out: Path, *, force: bool = False
) -> dict[str, Any]:
    """Write the export folder atomically; returns its manifest. Refuses a non-empty ``out``
    unless ``force`` and ``out`` holds an earlier export, before writing anything."""
    import spacy
    from spacy.tokens import DocBin

    out = out.resolve()
    _check_target(out, force)
    items = sorted(articles, key=lambda a: a.id)
    nlp = spacy.blank("en")
    counts = SpanCounts()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    tmp.chmod(0o755)  # mkdtemp's 0700 would stay on the renamed folder
    try:
        per_split: dict[str, Counter[str]] = {s: Counter() for s in SPLITS}
        for split in SPLITS:
            chosen = [a for a in items if a.split == split]
            docbin = DocBin(attrs=["ORTH", "SPACY"], store_user_data=True)
            with (tmp / f"{split}.jsonl").open("w", encoding="utf-8") as fh:
                for article in chosen:
                    docbin.add(article_doc(nlp, article, counts))
                    fh.write(json.dumps(article_to_json(article), ensure_ascii=False) + "\n")
                    per_split[split].update(_article_counts(article))
            docbin.to_disk(tmp / f"{split}.spacy")
        manifest = {
            "schema": SCHEMA,
            "split_rule": SPLIT_RULE,
            "tokenizer": 'spacy.blank("en")',
            "labels": {
                "claims": [POSITIVE, NEGATIVE],
                "attributions": ["SPEAKER", "CUE", "CONTENT"],
            },
            "counts": {s: dict(sorted(per_split[s].items())) for s in SPLITS},
            "spans": asdict(counts),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        _swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _article_counts(article: TrainingArticle) -> Counter[str]:
    n: Counter[str] = Counter(articles=1, attributions=len(article.attributions))
    for c in article.claims:
        n[f"claims_{c.how}"] += 1
        n["positives" if c.label else "negatives"] += 1
    return n


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Rename the finished folder into place; an earlier export (or an empty folder) is moved
    aside first and removed only once the new one is there."""
    old: Path | None = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
        os.rmdir(old)
        os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_docbin(path: Path, vocab_nlp: Any | None = None) -> list[Any]:
    """The Docs of a ``.spacy`` file, with a blank English vocabulary unless one is given."""
    import spacy
    from spacy.tokens import DocBin

    nlp = vocab_nlp or spacy.blank("en")
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def positives_and_negatives(articles: Sequence[TrainingArticle]) -> tuple[int, int]:
    pos = sum(c.label for a in articles for c in a.claims)
    neg = sum(1 - c.label for a in articles for c in a.claims)
    return pos, neg
