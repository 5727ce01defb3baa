"""Agreement between two reviewers: pure arithmetic, no Django.

Every figure comes with the counts behind it (``n`` and the agreeing pairs or the pairs
behind a mean), so a screen can always say "0.62 (13 of 16 claims)". A figure that is not
defined — kappa when chance agreement is already perfect (both reviewers used one and the
same class throughout), or anything over no pairs — is ``None``, which screens show as "n/a".

- ``percent_agreement`` and ``cohen_kappa`` on nominal labels (claim accepted / rejected);
- ``weighted_kappa`` with linear weights on ordinal labels (ratings, in the scale's order);
- ``span_agreement`` on character spans: mean Jaccard overlap and the share that overlap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

type Span = tuple[int, int]


@dataclass(frozen=True)
class Agreement:
    """Observed agreement on ``n`` paired labels, and chance-corrected kappa."""

    n: int
    agree: int  # pairs with the same label
    observed: float | None  # share of pairs agreeing (weighted: mean weight)
    expected: float | None  # agreement expected by chance from the two marginals
    kappa: float | None  # None: undefined (no pairs, or chance agreement is 1)

    @property
    def percent(self) -> float | None:
        return None if self.observed is None else 100 * self.observed


def percent_agreement[T: Hashable](pairs: Sequence[tuple[T, T]]) -> tuple[int, int]:
    """(agreeing pairs, all pairs)."""
    return sum(1 for a, b in pairs if a == b), len(pairs)


def _kappa(observed: float, expected: float) -> float | None:
    if expected >= 1.0 - 1e-12:
        return None  # no variation to correct for: kappa is 0/0
    return (observed - expected) / (1.0 - expected)


def cohen_kappa[T: Hashable](pairs: Sequence[tuple[T, T]]) -> Agreement:
    """Cohen's kappa: (p_o - p_e) / (1 - p_e), p_e from each reviewer's own label shares."""
    agree, n = percent_agreement(pairs)
    if n == 0:
        return Agreement(0, 0, None, None, None)
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    observed = agree / n
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    return Agreement(n, agree, observed, expected, _kappa(observed, expected))


def weighted_kappa[T: Hashable](pairs: Sequence[tuple[T, T]], order: Sequence[T]) -> Agreement:
    """Linearly weighted kappa on ordinal labels: agreement weight 1 - |i - j| / (k - 1)
    between the i-th and j-th label of ``order`` (k labels), so a near miss counts part.

    Labels outside ``order`` are an error: the caller decides which pairs are comparable."""
    rank = {label: i for i, label in enumerate(order)}
    missing = {label for pair in pairs for label in pair if label not in rank}
    if missing:
        raise ValueError(f"labels not in the scale's order: {sorted(map(str, missing))}")
    agree, n = percent_agreement(pairs)
    k = len(order)
    if n == 0:
        return Agreement(0, 0, None, None, None)
    if k < 2:
        return Agreement(n, agree, 1.0, 1.0, None)

    def weight(i: int, j: int) -> float:
        return 1.0 - abs(i - j) / (k - 1)

    observed = sum(weight(rank[a], rank[b]) for a, b in pairs) / n
    first = Counter(rank[a] for a, _ in pairs)
    second = Counter(rank[b] for _, b in pairs)
    expected = sum(weight(i, j) * first[i] * second[j] for i in first for j in second) / (n * n)
    return Agreement(n, agree, observed, expected, _kappa(observed, expected))


def jaccard(a: Span, b: Span) -> float:
    """Characters in both spans over characters in either (half-open [start, end))."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = (a[1] - a[0]) + (b[1] - b[0]) - inter
    return inter / union if union > 0 else 1.0


@dataclass(frozen=True)
class SpanAgreement:
    n: int  # pairs of spans (claims both reviewers kept)
    identical: int  # exactly the same span
    overlapping: int  # sharing at least one character
    mean_jaccard: float | None  # None when n == 0

    @property
    def overlap_share(self) -> float | None:
        return self.overlapping / self.n if self.n else None


def span_agreement(pairs: Sequence[tuple[Span, Span]]) -> SpanAgreement:
    scores = [jaccard(a, b) for a, b in pairs]
    return SpanAgreement(
        n=len(pairs),
        identical=sum(1 for a, b in pairs if a == b),
        overlapping=sum(1 for s in scores if s > 0),
        mean_jaccard=sum(scores) / len(scores) if scores else None,
    )


def fmt(value: float | None, digits: int = 2) -> str:
    """A figure for a screen: "n/a" when undefined."""
    return "n/a" if value is None else f"{value:.{digits}f}"
