"""Quantities: money, counts, percents, durations and dates, normalised to numbers with a unit.

Written as a scanner over the raw text rather than on spaCy's NER labels, because the labels are
unreliable exactly where fact-checking needs them ("between 5.6 and 9.8 billion USD" comes out
CARDINAL, bounds like "no more than" are often left outside the entity). The parse is used only
where text alone cannot decide: the noun a count counts ("15,000 North Korean soldiers" →
"soldier").

Every quantity keeps how it was hedged, because consistency checking depends on it: "about
1.19 billion" and "no more than $1.2 billion" agree, "38,000" and "31,000" do not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotations.nlp.types import Quantity

if TYPE_CHECKING:
    from spacy.tokens import Doc

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_WEEKDAY_RE = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)"

SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "bln": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "t": 1e12,
}
# Symbols first so that "US$" wins over "$"; "$" alone is read as USD, the usual newsroom default.
CURRENCY_PREFIX = {
    "us$": "USD",
    "c$": "CAD",
    "a$": "AUD",
    "hk$": "HKD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₩": "KRW",
    "₽": "RUB",
    "₹": "INR",
    "usd": "USD",
    "eur": "EUR",
    "gbp": "GBP",
}
CURRENCY_SUFFIX = {
    "usd": "USD",
    "eur": "EUR",
    "gbp": "GBP",
    "jpy": "JPY",
    "cny": "CNY",
    "krw": "KRW",
    "rub": "RUB",
    "chf": "CHF",
    "dollars": "USD",
    "dollar": "USD",
    "us dollars": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds sterling": "GBP",
    "pounds": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "won": "KRW",
    "rubles": "RUB",
    "roubles": "RUB",
    "rupees": "INR",
}
DURATION_UNITS = {
    "second": "second",
    "minute": "minute",
    "hour": "hour",
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
    "decade": "decade",
    "century": "century",
    "centuries": "century",
}
WORD_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
# Plural scale words used as vague amounts: "millions of shells" means at least two million.
VAGUE_PLURALS = {"dozens": 12, "hundreds": 100, "thousands": 1e3, "millions": 1e6, "billions": 1e9}

# Modifier before an amount -> bound. Longest alternatives first inside the regex.
BOUND_WORDS = {
    "about": "about",
    "around": "about",
    "roughly": "about",
    "approximately": "about",
    "approx.": "about",
    "nearly": "about",
    "almost": "about",
    "some": "about",
    "an estimated": "about",
    "estimated": "about",
    "close to": "about",
    "circa": "about",
    "up to": "up_to",
    "as many as": "up_to",
    "as much as": "up_to",
    "no more than": "at_most",
    "not more than": "at_most",
    "at most": "at_most",
    "less than": "at_most",
    "fewer than": "at_most",
    "under": "at_most",
    "below": "at_most",
    "a maximum of": "at_most",
    "more than": "at_least",
    "over": "at_least",
    "above": "at_least",
    "at least": "at_least",
    "no less than": "at_least",
    "no fewer than": "at_least",
    "upwards of": "at_least",
    "in excess of": "at_least",
    "a minimum of": "at_least",
}
_APPROX_BOUNDS = {"about"}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_WORDNUM = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
_SCALE = r"thousand|million|billion|trillion|mln|bln|mn|bn|tn|[kKmMbBT]"
_CUR_PREFIX = r"US\$|C\$|A\$|HK\$|\$|€|£|¥|₩|₽|₹|USD|EUR|GBP"
_CUR_SUFFIX = "|".join(sorted(CURRENCY_SUFFIX, key=len, reverse=True))
_PCT = r"%|\s?percent(?:age points?)?|\s?per cent|\s?pct\b"
_DUR = r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|century|centuries"

# One amount: optional currency, a numeral (digits or a number word), optional scale, optional
# currency/percent/duration unit. Single-letter scales only glued ("$9.8B", "5bn"): "15 m" is
# more often metres than millions.
_AMOUNT = (
    r"(?:(?P<P__cur>" + _CUR_PREFIX + r")\s?)?"
    r"(?P<P__num>" + _NUM + r"|(?i:\b(?:" + _WORDNUM + r")\b))"
    r"(?:(?:\s?(?P<P__scale>(?i:thousand|million|billion|trillion|mln|bln|mn|bn|tn))"
    r"|(?P<P__scale1>[kKmMbBT]))(?![A-Za-z]))?"
    r"(?:(?P<P__pct>(?i:" + _PCT + r"))"
    r"|\s(?P<P__cur2>(?i:" + _CUR_SUFFIX + r"))\b"
    r"|[\s-](?P<P__dur>(?i:" + _DUR + r"))\b)?"
)


def _amount_re(prefix: str) -> str:
    return _AMOUNT.replace("P__", prefix)


_BOUND = "|".join(re.escape(b) for b in sorted(BOUND_WORDS, key=len, reverse=True))

_RANGE_RE = re.compile(
    r"(?:(?P<lead>(?i:between|from))\s+)?"
    + _amount_re("a_")
    + r"\s*(?P<conn>(?i:\band\b|\bto\b|-|–|—))\s*"
    + _amount_re("b_")
)
_AMOUNT_RE = re.compile(_amount_re(""))
_BOUND_BEFORE_RE = re.compile(rf"(?i:\b(?P<bound>{_BOUND}))\s+$")
_CHANGE_BEFORE_RE = re.compile(
    r"(?i:\b(?:rose|rise[sn]?|rising|fell|fall(?:s|en|ing)?|increased?|increasing|decreased?"
    r"|grew|grow(?:s|n|ing)?|dropped|drop(?:s|ping)?|jumped|climbed|declined?|went|gone"
    r"|cut|raised|lowered|up|down))\s+$"
)
_VAGUE_RE = re.compile(
    r"\b(?P<word>(?i:dozens|hundreds|thousands|millions|billions))\s+of\s+(?P<unit>[A-Za-z-]+)"
)

_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "mdy",
        re.compile(
            rf"\b{_WEEKDAY_RE}?(?P<mon>{_MONTH_RE})\s+(?P<day>\d{{1,2}})"
            rf"(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b"
        ),
    ),
    (
        "dmy",
        re.compile(
            rf"\b{_WEEKDAY_RE}?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            rf"(?P<mon>{_MONTH_RE}),?\s+(?P<year>\d{{4}})\b"
        ),
    ),
    ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})\b")),
    ("slash", re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4})\b")),
    ("my", re.compile(rf"\b(?P<mon>{_MONTH_RE})\s+(?:of\s+)?(?P<year>\d{{4}})\b")),
    ("year", re.compile(r"(?<![\d$€£.,/-])(?P<year>1[89]\d\d|20\d\d)(?![\d%,.]\d|\s?%)")),
    # dates without a year ("2 June", "June 9th", "since March"): the year comes from the
    # document's own date when that is safe (see _infer_year), else stays unknown
    (
        "dm",
        re.compile(
            rf"\b{_WEEKDAY_RE}?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            rf"(?P<mon>{_MONTH_RE})(?![A-Za-z])"
        ),
    ),
    (
        "md",
        re.compile(
            rf"\b{_WEEKDAY_RE}?(?P<mon>{_MONTH_RE})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
            r"(?![.,]?\d|\s*(?:%|percent|per cent|thousand|million|billion|trillion)\b)"
        ),
    ),
    # a bare month name only after a word that makes it a time ("since March", "in May",
    # "mid-June"): "May" is a modal verb and "March" a noun often enough to need the cue
    (
        "m",
        re.compile(
            r"\b(?:[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Tt]hrough|[Dd]uring|[Bb]efore"
            r"|[Aa]fter|[Ee]arly|[Ll]ate|[Mm]id|[Ll]ast|[Nn]ext|[Tt]his|end of|start of)[\s-]+"
            r"(?P<mon>January|February|March|April|May|June|July|August|September|October"
            r"|November|December)\b(?!\s+\d)"
        ),
    ),
)
_YEARLESS = frozenset({"dm", "md", "m"})
# Dates relative to when the text was written; resolved only against a known document date.
_RELATIVE_RE = re.compile(
    r"\b(?P<rel>(?i:(?:earlier|later)\s+this\s+(?:year|month)|this\s+(?:year|month)"
    r"|last\s+(?:year|month)|next\s+(?:year|month)))\b"
)


@dataclass(frozen=True)
class _Amount:
    start: int
    end: int
    value: float
    unit: str | None
    kind: str
    numeral: str  # the numeral as written, for rounding tolerance
    scale: float


def parse_date(text: str) -> str | None:
    """Normalise one date expression to ISO (yyyy-mm-dd, yyyy-mm or yyyy), else None.

    Slash dates are read day-first unless the first part cannot be a day-of-month pair that way
    ("9/22/2025"): most of the world writes day-first, and "22/9/2025" is how our sources cite.
    """
    for _name, parts, _start, end in _scan_dates(text):
        if end and parts[0] is not None:
            return _iso(parts)
    return None


DateParts = tuple[int | None, int | None, int | None]


def date_parts(text: str, iso_date: str | None = None) -> DateParts | None:
    """(year, month, day) of a date expression, each None when not stated or inferred.

    ``iso_date`` (a Quantity's, possibly inferred from the document's date) wins over the text.
    """
    if iso_date:
        bits = [int(b) for b in iso_date.split("-")]
        bits += [None] * (3 - len(bits))  # type: ignore[list-item]
        return bits[0], bits[1], bits[2]
    for _name, parts, _start, _end in _scan_dates(text):
        return parts
    month = MONTHS.get(text.strip().lower().rstrip("."))
    return (None, month, None) if month else None  # a bare month, found with its cue word


def _iso(parts: DateParts) -> str | None:
    y, m, d = parts
    if y is None:
        return None
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _scan_dates(text: str) -> Iterable[tuple[str, DateParts, int, int]]:
    taken: list[tuple[int, int]] = []
    for name, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            start = m.start("mon") if name == "m" else m.start()
            if any(start < e and s < m.end() for s, e in taken):
                continue
            parts = _date_parts(name, m)
            if parts is None:
                continue
            taken.append((start, m.end()))
            yield name, parts, start, m.end()


def _date_parts(name: str, m: re.Match[str]) -> DateParts | None:
    year = None if name in _YEARLESS else int(m.group("year"))
    if name == "year":
        return year, None, None
    if name == "slash":
        a, b = int(m.group("a")), int(m.group("b"))
        day, mon = (b, a) if a <= 12 < b else (a, b)
    else:
        mon_text = m.group("mon").lower().rstrip(".")
        mon = int(mon_text) if mon_text.isdigit() else MONTHS[mon_text]
        if name in ("my", "m"):
            return (year, mon, None) if 1 <= mon <= 12 else None
        day = int(m.group("day"))
    if not (1 <= mon <= 12 and 1 <= day <= 31):
        return None
    return year, mon, day


def _infer_year(parts: DateParts, ref: DateParts | None) -> DateParts:
    """Give a year-less date the document's year when it falls on or before the document date.

    "opened on 9 June" in a text of 20 June 2025 is 9 June 2025; "in September" in a text of
    May could be last September or the coming one, so it keeps no year.
    """
    if parts[0] is not None or ref is None or ref[0] is None or ref[1] is None:
        return parts
    y, m, d = ref
    if (parts[1], parts[2] or 1) <= (m, d or 31):
        return y, parts[1], parts[2]
    return parts


def _relative_parts(rel: str, ref: DateParts | None) -> DateParts | None:
    if ref is None or ref[0] is None:
        return None
    words = rel.lower().split()
    shift = {"last": -1, "next": 1}.get(words[0], 0)
    if words[-1] == "year":
        return ref[0] + shift, None, None
    if ref[1] is None:
        return None
    month = ref[1] + shift
    year = ref[0] + (month - 1) // 12
    return year, (month - 1) % 12 + 1, None


def _to_number(numeral: str) -> float:
    word = numeral.lower()
    if word in WORD_NUMBERS:
        return float(WORD_NUMBERS[word])
    return float(numeral.replace(",", ""))


def rounding_halfwidth(numeral: str, scale: float = 1.0) -> float:
    """Half a unit of the last significant digit as written: the rounding a writer may have done.

    "1.2" (billion) covers 1.15–1.25 billion; "38,000" covers 37,500–38,500. Trailing zeros of
    an integer are read as rounding, which is how round figures are used in news copy.
    """
    word = numeral.lower()
    if word in WORD_NUMBERS:
        return 0.5 * scale
    digits = numeral.replace(",", "")
    if "." in digits:
        decimals = len(digits.split(".", 1)[1])
        return 0.5 * 10.0 ** (-decimals) * scale
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped) if stripped else 0
    return 0.5 * 10.0**zeros * scale


def _amount_from(m: re.Match[str], p: str, base_start: int | None = None) -> _Amount:
    numeral = m.group(f"{p}num")
    scale_txt = m.group(f"{p}scale") or m.group(f"{p}scale1")
    scale = SCALES.get(scale_txt.lower(), 1.0) if scale_txt else 1.0
    cur = m.group(f"{p}cur") or m.group(f"{p}cur2")
    pct = m.group(f"{p}pct")
    dur = m.group(f"{p}dur")
    unit: str | None = None
    kind = "count"
    if cur:
        kind = "money"
        key = cur.lower()
        unit = CURRENCY_PREFIX.get(key) or CURRENCY_SUFFIX.get(key)
    elif pct:
        kind = "percent"
        unit = "pp" if "point" in pct.lower() else "%"
    elif dur:
        kind = "duration"
        d = dur.lower()
        unit = DURATION_UNITS.get(d, DURATION_UNITS.get(d.rstrip("s"), d))
    return _Amount(
        start=m.start(f"{p}cur") if m.group(f"{p}cur") else m.start(f"{p}num"),
        end=max(m.end(f"{p}{g}") for g in ("cur", "num", "scale", "scale1", "pct", "cur2", "dur")),
        value=_to_number(numeral) * scale,
        unit=unit,
        kind=kind,
        numeral=numeral,
        scale=scale,
    )


def _bound_before(text: str, start: int) -> tuple[str, int] | None:
    m = _BOUND_BEFORE_RE.search(text, max(0, start - 24), start)
    if not m:
        return None
    return BOUND_WORDS[m.group("bound").lower()], m.start("bound")


def _is_bare_small_word(a: _Amount, text: str) -> bool:
    """A number word with no unit ("two of them") is not worth a quantity of its own."""
    return a.kind == "count" and not a.numeral[0].isdigit() and a.scale == 1.0


@dataclass
class _Scan:
    """One text being scanned: the quantities found so far and the ranges they occupy.

    The passes run from the most specific pattern to the least (dates, ranges, single amounts,
    vague plurals), and a later pass may not take characters an earlier one took: "between 5.6
    and 9.8 billion" is one range, not a range and two amounts.
    """

    text: str
    base: int
    doc: Doc | None
    found: list[Quantity] = field(default_factory=list)
    taken: list[tuple[int, int]] = field(default_factory=list)

    def free(self, s: int, e: int) -> bool:
        return all(e <= ts or s >= te for ts, te in self.taken)

    def add(self, q: Quantity) -> None:
        self.found.append(q)
        self.taken.append((q.start - self.base, q.end - self.base))

    def add_date(self, s: int, e: int, iso: str | None) -> None:
        b = self.base
        self.add(
            Quantity(
                s + b, e + b, self.text[s:e], "date", None, None, None, None, False, "exact", iso
            )
        )


def extract_quantities(
    text: str, *, base: int = 0, doc: Doc | None = None, ref_date: str | None = None
) -> list[Quantity]:
    """Find quantities in ``text`` (one line or paragraph); offsets are shifted by ``base``.

    ``doc`` is the parse of exactly ``text`` when available; it supplies count units.
    ``ref_date`` (ISO) is when the text was written: it dates "last year" and year-less dates.
    """
    ref = date_parts("", ref_date) if ref_date else None
    scan = _Scan(text, base, doc)
    _find_dates(scan, ref)
    _find_ranges(scan)
    _find_amounts(scan)
    _find_vague_amounts(scan)
    scan.found.sort(key=lambda q: (q.start, q.end))
    return scan.found


def _find_dates(scan: _Scan, ref: DateParts | None) -> None:
    """Written dates, then dates relative to the text's own ("last year")."""
    text = scan.text
    for _name, parts, s, e in _scan_dates(text):
        if not scan.free(s, e) or _year_is_count(text, s, e, scan.doc):
            continue
        scan.add_date(s, e, _iso(_infer_year(parts, ref)))
    for m in _RELATIVE_RE.finditer(text):
        s, e = m.span("rel")
        if scan.free(s, e):
            scan.add_date(s, e, _iso(_relative_parts(m.group("rel"), ref) or (None, None, None)))


def _find_ranges(scan: _Scan) -> None:
    for m in _RANGE_RE.finditer(scan.text):
        if scan.free(m.start(), m.end()):
            _read_range(scan, m)


def _read_range(scan: _Scan, m: re.Match[str]) -> None:
    """ "between 5.6 and 9.8 billion USD" is a range; "rose from 5 to 7 percent" two figures."""
    text, base = scan.text, scan.base
    a, b = _amount_from(m, "a_"), _amount_from(m, "b_")
    conn = m.group("conn").lower()
    lead = (m.group("lead") or "").lower()
    if conn == "and" and lead != "between":
        return  # "5 soldiers and 3 tanks" is a list, not a range
    if lead == "from" and _CHANGE_BEFORE_RE.search(text, max(0, m.start() - 30), m.start()):
        # "rose from 5 to 7 percent" is a change: two figures sharing one unit
        _add_change(scan, *_share_unit_and_scale(a, b))
        return
    if _inside_word(text, m.start("a_num"), m.end("a_num")):
        return
    a, b = _share_unit_and_scale(a, b)
    if a.kind != b.kind or (a.unit and b.unit and a.unit != b.unit):
        return
    if b.value < a.value or (conn in "-–—" and a.kind == "count" and a.unit is None):
        return  # "2023-2024" handled as dates; "3-2" is a score, not a range
    start = m.start("lead") if m.group("lead") else a.start
    unit = b.unit or a.unit
    if b.kind == "count":
        unit = _count_unit(text, b.end, scan.doc)
    scan.add(
        Quantity(
            start + base,
            b.end + base,
            text[start : b.end],
            b.kind,
            None,
            a.value,
            b.value,
            unit,
            False,
            "range",
        )
    )


def _add_change(scan: _Scan, *amounts: _Amount) -> None:
    for one in amounts:
        if scan.free(one.start, one.end):
            scan.add(
                Quantity(
                    one.start + scan.base,
                    one.end + scan.base,
                    scan.text[one.start : one.end],
                    one.kind,
                    one.value,
                    None,
                    None,
                    one.unit,
                    False,
                    "exact",
                )
            )


def _find_amounts(scan: _Scan) -> None:
    text = scan.text
    for m in _AMOUNT_RE.finditer(text):
        if scan.free(m.start(), m.end()) and not _inside_word(text, m.start("num"), m.end("num")):
            _read_amount(scan, m)


def _read_amount(scan: _Scan, m: re.Match[str]) -> None:
    """One figure, with the bound written before it ("no more than $1.2 billion")."""
    text, doc = scan.text, scan.doc
    a = _amount_from(m, "")
    if a.kind == "count" and text[a.end : a.end + 1] in ("-", "–"):
        return  # "three-way", "15-member": a compound adjective, not an amount
    if _is_bare_small_word(a, text) and _count_unit(text, a.end, doc) is None:
        return
    start = a.start
    bound, approximate = "exact", False
    hit = _bound_before(text, start)
    if hit:
        bound, start = hit
        approximate = bound in _APPROX_BOUNDS
    value = a.value
    low = value if bound == "at_least" else None
    high = value if bound in ("at_most", "up_to") else None
    unit = a.unit
    if a.kind == "count":
        unit = _count_unit(text, a.end, doc)
    scan.add(
        Quantity(
            start + scan.base,
            a.end + scan.base,
            text[start : a.end],
            a.kind,
            value,
            low,
            high,
            unit,
            approximate,
            bound,
        )
    )


def _find_vague_amounts(scan: _Scan) -> None:
    """ "millions of shells": at least two of the scale, counting the noun after "of"."""
    for m in _VAGUE_RE.finditer(scan.text):
        if not scan.free(m.start(), m.end("word")):
            continue
        scale = VAGUE_PLURALS[m.group("word").lower()]
        unit = _vague_unit(m, scan.doc) or _naive_singular(m.group("unit"))
        scan.add(
            Quantity(
                m.start() + scan.base,
                m.end("word") + scan.base,
                m.group("word"),
                "count",
                None,
                2.0 * scale,
                None,
                unit,
                True,
                "at_least",
            )
        )


def _inside_word(text: str, s: int, e: int) -> bool:
    """Digits glued to letters ("G7", "F-16", "COVID-19"), clock times, ordinals ("11th") and
    the tail of a compound numeral ("24/7", "1616–17") are not quantities."""
    before = text[s - 1] if s > 0 else " "
    after = text[e] if e < len(text) else " "
    if before.isalpha() or before == "_":
        return True
    if before in "-–/" and s >= 2 and (text[s - 2].isalpha() or text[s - 2].isdigit()):
        return True
    if after == "/" and e + 1 < len(text) and text[e + 1].isdigit():
        return True
    if text[s:e].isdigit() and text[e : e + 2].lower() in ("st", "nd", "rd", "th"):
        return not text[e + 2 : e + 3].isalpha()
    if before == ":" or (after == ":" and e + 1 < len(text) and text[e + 1].isdigit()):
        return True
    return text[s:e].isdigit() and after.isalpha() and after.lower() not in "kmbt%"


def _year_is_count(text: str, s: int, e: int, doc: Doc | None) -> bool:
    """A bare four-digit number followed by a counted noun ("1500 troops") is not a year."""
    if e - s != 4:
        return False
    if doc is not None:
        span = doc.char_span(s, e, alignment_mode="expand")
        return bool(
            span is not None and span.root.dep_ == "nummod" and span.root.head.tag_ == "NNS"
        )
    nxt = re.match(r"\s+([a-z]+)", text[e:])
    return bool(nxt and nxt.group(1).endswith("s") and nxt.group(1) not in ("was", "is", "has"))


def _share_unit_and_scale(a: _Amount, b: _Amount) -> tuple[_Amount, _Amount]:
    """In "between 5.6 and 9.8 billion USD" the scale and unit written once apply to both ends."""
    if a.scale == 1.0 and b.scale != 1.0 and a.numeral[0].isdigit():
        a = _Amount(a.start, a.end, a.value * b.scale, a.unit, a.kind, a.numeral, b.scale)
    if a.kind == "count" and b.kind != "count":
        a = _Amount(a.start, a.end, a.value, b.unit, b.kind, a.numeral, a.scale)
    if b.kind == "count" and a.kind != "count":
        b = _Amount(b.start, b.end, b.value, a.unit, a.kind, b.numeral, b.scale)
    return a, b


_UNIT_SKIP = {"more", "than", "of", "the", "a", "an", "and", "or", "to", "in", "per"}


def _count_unit(text: str, end: int, doc: Doc | None) -> str | None:
    """The noun a count counts, as a lower-case lemma: the parse head when we have a parse."""
    if doc is not None:
        span = doc.char_span(max(0, end - 1), end, alignment_mode="expand")
        if span is None or not len(span):
            return None
        tok = span[-1]
        head = tok.head if tok.dep_ in ("nummod", "compound", "quantmod") else None
        if head is not None and head.pos_ in ("NOUN", "PROPN") and head.i > tok.i:
            return (head.lemma_ or head.text).lower()
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if nxt is not None and nxt.pos_ == "NOUN":
            return (nxt.lemma_ or nxt.text).lower()
        return None
    m = re.match(r"\s+([A-Za-z][A-Za-z-]*)", text[end:])
    if not m or m.group(1).lower() in _UNIT_SKIP or not m.group(1)[0].islower():
        return None
    return _naive_singular(m.group(1))


def _vague_unit(m: re.Match[str], doc: Doc | None) -> str | None:
    if doc is None:
        return None
    span = doc.char_span(m.start("word"), m.end("word"))
    if span is None:
        return None
    for prep in span.root.children:
        if prep.lower_ == "of":
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    return pobj.lemma_.lower()
    return None


def _naive_singular(word: str) -> str:
    w = word.lower()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def interval(q: Quantity) -> tuple[float, float] | None:
    """The values ``q`` is compatible with, widened by rounding and by its hedge.

    "about" widens by 10 % (newsroom rounding of estimates); bounds are half-lines; a range
    covers its ends plus their own rounding.
    """
    if q.kind == "date":
        return None
    numerals = re.findall(_NUM, q.text) or ["1"]
    scale = 1.0
    sm = re.search(rf"\d\s?({_SCALE})(?![A-Za-z])", q.text, re.IGNORECASE)
    if sm:
        scale = SCALES.get(sm.group(1).lower(), 1.0)
    half = rounding_halfwidth(numerals[-1], scale)
    if q.bound == "range" and q.low is not None and q.high is not None:
        return q.low - half, q.high + half
    if q.value is None:
        if q.low is not None:
            return q.low, math.inf
        return None
    v = q.value
    if q.bound == "about":
        half = max(half, 0.1 * abs(v))
    if q.bound in ("at_most", "up_to"):
        return -math.inf, v + half
    if q.bound == "at_least":
        return v - half, math.inf
    return v - half, v + half


def is_range(q: Quantity) -> bool:
    return q.bound == "range"
