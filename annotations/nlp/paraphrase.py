"""A lexical paraphrase signal: words that state the same fact in other words meet in one key.

Why not sentence embeddings: all-MiniLM-L6-v2 on onnxruntime embeds ~200 sentences/s on the two
cores we have, while the parser handles ~300 sentences/s; embedding the source sentences would
cost more than the parse, and the pipeline may spend only a tenth of the parse on everything
else (bench/throughput.py). Most of the paraphrases that hide a figure from retrieval are a
handful of verb families ("will cost" / "is budgeted at" / "spend"), and those a table covers.

Groups map lemmas to one canonical key. They are deliberately narrow (same fact, other words),
because a key shared by unrelated words makes topic overlap look like support.
"""

from __future__ import annotations

from spacy.tokens import Token

from annotations.nlp.lexicon import STOPWORDS

_GROUPS: tuple[tuple[str, ...], ...] = (
    # money a thing takes
    ("cost", "budget", "spend", "price", "worth", "value", "expense", "expenditure", "outlay",
     "invest", "investment", "allocate", "earmark"),
    # reporting (the core verbs: a report is a report whichever verb carries it)
    ("say", "state", "tell", "announce", "report", "claim", "note", "write", "add", "explain",
     "declare", "assert", "according", "stress", "insist"),
    ("rise", "increase", "grow", "climb", "jump", "soar", "surge", "gain", "growth"),
    ("fall", "decrease", "decline", "drop", "shrink", "plunge", "slump", "reduce", "reduction",
     "cut", "lower"),
    ("kill", "die", "death", "dead", "fatality"),
    ("injure", "wound", "hurt", "injury"),
    ("build", "construct", "construction", "erect"),
    ("open", "inaugurate", "unveil", "opening", "inauguration"),
    ("begin", "start", "commence", "launch"),
    ("found", "establish", "establishment", "create", "founder"),
    ("employ", "employee", "worker", "staff", "workforce", "personnel"),
    ("buy", "purchase", "acquire", "acquisition"),
    ("sell", "sale"),
    ("release", "publish", "publication"),
    ("appoint", "appointment", "elect", "election", "nominate", "nomination"),
    ("resign", "resignation", "quit", "depart", "departure", "leave"),
    ("help", "aid", "assist", "assistance", "support"),
    ("ship", "shipment", "deliver", "delivery", "supply", "provide", "send", "export"),
    ("receive", "obtain"),
    ("attack", "strike", "assault", "raid"),
    ("soldier", "troop", "fighter", "servicemen"),
    ("weapon", "arm", "munition", "armament"),
    ("study", "survey", "analysis", "research"),
    ("film", "movie"),
    ("company", "firm", "corporation", "business"),
    ("car", "vehicle", "automobile"),
    ("marry", "marriage", "wed", "wedding"),
    ("bear", "birth", "born"),
    ("win", "victory"),
    ("attend", "participate", "participant", "attendee"),
    ("vote", "ballot"),
    ("town", "city", "municipality"),
    ("child", "kid"),
)  # fmt: skip

CANONICAL: dict[str, str] = {}
for _group in _GROUPS:
    for _word in _group:
        CANONICAL.setdefault(_word, _group[0])

# The only negators we count: what turns "the plant will open" into its opposite.
NEGATORS = frozenset({"not", "no", "never", "n't", "none", "neither", "nor", "without"})


def stem(lemma: str) -> str:
    """Six-letter prefix of long lemmas: "dependence"/"dependent", "reciprocate"/"reciprocation"
    meet, which the lemmatizer alone does not do; a cheap stemmer that holds up in retrieval."""
    return lemma[:6] if len(lemma) > 7 else lemma


def canonical(lemma: str) -> str:
    """The group key of a lower-case lemma, or the lemma itself."""
    return CANONICAL.get(lemma, lemma)


def token_key(tok: Token) -> str | None:
    """The retrieval/alignment key of a content token, None for function words and symbols."""
    if not tok.is_alpha or tok.is_stop or len(tok) < 2:
        return None
    lemma = (tok.lemma_ or tok.lower_).lower()
    if lemma in STOPWORDS:
        return None
    return stem(canonical(lemma))


def is_negator(tok: Token) -> bool:
    return tok.dep_ == "neg" or tok.lower_ in NEGATORS
