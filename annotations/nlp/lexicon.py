"""The word lists of the nlp layer, in one place.

Several modules read the same kinds of words (reporting verbs, titles, the nouns of studies and
reports, pronouns), and their lists used to drift apart in separate files. They live here now,
grouped by what they describe. Where two modules need different lists of the same kind, both
are defined here from their shared core and a comment says why they differ: merging them would
change what the pipeline finds, which is a decision for the gold evaluation, not for a move.

Only plain vocabulary lives here. The quantity scanner's tables (months, scales, currencies,
bound words) stay in ``quantities.py``, where each is compiled into the regex that reads it, and
entity-label sets stay with the code that reads the labels.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------- reporting verbs

# Reporting verbs both the attribution extractor and the claim features count.
_CORE_REPORTING_LEMMAS = frozenset(
    {
        "acknowledge", "add", "admit", "allege", "announce", "argue", "assert", "claim",
        "conclude", "confirm", "deny", "describe", "emphasise", "emphasize", "estimate",
        "explain", "find", "highlight", "indicate", "insist", "note", "predict", "report",
        "reveal", "say", "show", "state", "stress", "suggest", "tell", "warn", "write",
    }
)  # fmt: skip

# Verbs whose clausal complement is a reported proposition (the attribution extractor). Wider
# than CLAIM_REPORTING_LEMMAS: the extractor demands a speaker and content from the parse, so it
# can afford verbs that are reports only in some uses ("point out", "rule that", "think").
# Commitments to act ("vowed to", "plans to", "pledged support"): the report is an intention.
INTENTION_LEMMAS = frozenset(
    {"aim", "intend", "plan", "pledge", "promise", "seek", "threaten", "vow"}
)
# Orders and rulings ("ordered the city to release …", "ruled that …").
ORDER_LEMMAS = frozenset({"instruct", "order", "rule"})
# Stances taken on something named ("endorsed Ferreira", "disputed that figure", "backs the
# rise"): the object is what the source said something about, so it is the content. Reactions
# ("welcomed the news", "applauded the decision") are left out: they report no claim.
STANCE_LEMMAS = frozenset(
    {
        "back", "blame", "blast", "condemn", "criticise", "criticize", "decry", "denounce",
        "dispute", "endorse", "oppose", "praise", "reject", "slam",
    }
)  # fmt: skip
# Requests and questions ("asked whether …", "asked the court to …", "demanded an apology").
REQUEST_LEMMAS = frozenset({"ask", "demand", "request"})

# Beliefs, expectations and restatements with a clause ("expects that rates will rise", "fears
# the deal could collapse", "reiterated that …"): news attribution corpora annotate them as
# reports of the holder's position. They count only with a clausal complement and a speaker
# the parse gives, never through a nominal object ("knew him", "feared the worst").
COGNITION_LEMMAS = frozenset(
    {
        "anticipate", "assume", "assure", "boast", "counter", "doubt", "expect", "fear",
        "feel", "guess", "hint", "hope", "imply", "know", "lament", "reckon", "recall",
        "reiterate", "repeat", "retort", "signal", "speculate", "suspect", "worry",
    }
)  # fmt: skip

REPORTING_LEMMAS = (
    _CORE_REPORTING_LEMMAS
    | INTENTION_LEMMAS
    | ORDER_LEMMAS
    | STANCE_LEMMAS
    | REQUEST_LEMMAS
    | {
        # "question" reports only with a clause ("questioned whether …"): its nominal object
        # is as often a person questioned as a claim doubted
        "question",
        "accuse", "advise", "agree", "believe", "calculate", "call", "caution", "characterize",
        "comment", "complain", "concede", "contend", "declare", "depict", "disclose", "echo",
        "forecast", "inform", "learn", "maintain", "mention", "observe", "point", "portray",
        "post", "propose", "recommend", "remark", "reply", "respond", "testify", "think",
        "tweet", "underline", "underscore", "urge",
    }
    | COGNITION_LEMMAS
)  # fmt: skip

# The claim scorer's "attributed" feature reads bare lemmas with no parse rules behind them, so
# it keeps to the unambiguous verbs, plus "accuse" (an accusation is somebody's claim) and
# "according" (the "according to" frame); "think"/"believe" count as opinion there instead.
CLAIM_REPORTING_LEMMAS = _CORE_REPORTING_LEMMAS | {"accuse", "according"}

# Nouns that carry a report with their that-clause and holder ("Trump's claim that …", "the
# governor's view is that …"); verbs whose subject holds such a noun ("made the claim that …").
REPORT_NOUNS = frozenset(
    {
        "accusation", "admission", "allegation", "argument", "assertion", "belief", "charge",
        "claim", "contention", "insistence", "pledge", "prediction", "promise", "suggestion",
        "view", "warning",
    }
)  # fmt: skip
HOLDER_VERBS = frozenset({"make", "issue", "repeat", "reiterate", "voice", "level", "renew"})
# Adjectives whose clause is the subject's position ("are worried that …", "remain convinced
# the plan will work"), after these verbs only.
STANCE_ADJECTIVES = frozenset(
    {
        "adamant", "aware", "certain", "concerned", "confident", "convinced", "doubtful",
        "fearful", "hopeful", "optimistic", "pessimistic", "positive", "skeptical",
        "sceptical", "sure", "worried",
    }
)  # fmt: skip
STATE_VERBS = frozenset({"be", "feel", "remain", "seem", "appear", "become", "grow", "stay"})

# Verbs that report through a nominal object too ("describes a relationship", "reported 38
# cases"). Say/believe/conclude are left out: "concluded the meeting" is not a report.
NOMINAL_CONTENT_LEMMAS = frozenset(
    {
        "acknowledge", "announce", "characterize", "confirm", "deny", "depict", "describe",
        "disclose", "echo", "emphasise", "emphasize", "estimate", "find", "forecast",
        "highlight", "note", "portray", "predict", "recommend", "report", "reveal", "stress",
        "underline", "underscore", "demand", "request", "order", "show", "suggest", "indicate",
        "claim",
    }
) | INTENTION_LEMMAS | STANCE_LEMMAS  # fmt: skip

# "found"/"revealed" with a nominal object are reports only from research-like sources (see
# RESEARCH_SOURCES): "The study found no link" reports, "Police found the body" does not.
# "show"/"suggest"/"indicate" with a nominal object likewise: "Polls show a tight race" reports,
# "The company showed a profit" does not.
RESEARCH_NOMINAL_LEMMAS = frozenset({"find", "reveal", "show", "suggest", "indicate"})

# Verbs whose infinitive/gerund complement is the content ("recommended raising taxes",
# "vowed to fight", "ordered the city to release").
XCOMP_CONTENT_LEMMAS = (
    frozenset({"advise", "propose", "recommend", "suggest", "urge", "ask", "request"})
    | INTENTION_LEMMAS
    | ORDER_LEMMAS
)

# "warned of X", "cautioned against Y": prepositions that introduce reported content.
PREP_CONTENT = {
    "warn": {"of", "about", "against"},
    "caution": {"against", "about"},
    "ask": {"for"},
    "accuse": {"of"},
}
# Report verbs that still report with a particle ("pointed out", "found out", "ruled out");
# with any other ("showed up", "called off", "backed down") they do not.
REPORT_PARTICLES = frozenset(
    {
        ("point", "out"), ("find", "out"), ("rule", "out"), ("spell", "out"), ("lay", "out"),
        ("back", "up"), ("hit", "back"), ("shoot", "back"), ("fire", "back"), ("sum", "up"),
    }
)  # fmt: skip
# Verbs whose agentless passive is a report by nobody named ("It is believed that …", "Kim is
# said to …"); other passives ("could be found playing chess") are not.
AGENTLESS_REPORT_LEMMAS = frozenset(
    {
        "allege", "believe", "claim", "confirm", "consider", "estimate", "expect", "fear",
        "know", "report", "rumor", "rumour", "say", "suspect", "think", "understand",
    }
)  # fmt: skip
# "called for X", "called on X to Y": the preposition belongs to the cue.
CALL_PREPOSITIONS = frozenset({"for", "on"})

# Idiomatic report phrases: a verb and the words after it that together are the cue, their
# content the clause that follows ("made it clear that …", "went on to say that …").
IDIOM_CUES: dict[str, tuple[tuple[str, ...], ...]] = {
    "make": (("clear",), ("it", "clear")),
    "go": (("on", "to", "say"),),
    "shoot": (("back",),),
    "hit": (("back",),),
    "fire": (("back",),),
    "spell": (("out",),),
    "lay": (("out",),),
}

# Reports whose source may be "it" (the body named before): "It said the devices …".
IT_SPEAKER_LEMMAS = frozenset(
    {"say", "add", "announce", "state", "tell", "warn", "report", "note", "plan", "confirm"}
)

# The start of a line before a colon that is a label, not somebody speaking.
COLON_LABELS = frozenset(
    {
        "editor", "note", "update", "correction", "clarification", "latest", "photo",
        "related", "watch", "listen", "read", "source", "sources", "caption", "warning",
        "disclosure", "advertisement", "sponsored", "video", "graphic", "map", "q", "a", "tip",
        "tips", "hint", "notice", "disclaimer", "credit", "credits", "file", "image",
    }
)  # fmt: skip

# "raised concerns that …", "voiced fears about …".
CONCERN_VERBS = frozenset({"raise", "voice", "express", "air"})
CONCERN_NOUNS = frozenset(
    {"concern", "fear", "doubt", "question", "worry", "alarm", "suspicion", "objection"}
)

# Adverbs that make a report hearsay ("reportedly", "allegedly").
HEDGE_ADVERBS = frozenset(
    {"reportedly", "allegedly", "purportedly", "supposedly", "reputedly", "rumoredly"}
)


def _inflections(lemma: str) -> set[str]:
    """Regular surface forms, for cues the tagger mistakes for nouns ("… newspaper states:")."""
    if lemma.endswith("e"):
        return {lemma, lemma + "s", lemma + "d"}
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return {lemma, lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if lemma.endswith(("s", "sh", "ch", "x")):
        return {lemma, lemma + "es", lemma + "ed"}
    return {lemma, lemma + "s", lemma + "ed"}


_IRREGULAR_FORMS = {
    "say": {"said"},
    "tell": {"told"},
    "write": {"wrote", "written"},
    "find": {"found"},
    "think": {"thought"},
    "show": {"shown"},
}
# Surface form -> lemma, for rules that read the words rather than the tagger's lemmas.
REPORTING_FORMS: dict[str, str] = {
    form: lemma
    for lemma in REPORTING_LEMMAS
    for form in _inflections(lemma) | _IRREGULAR_FORMS.get(lemma, set())
}

# --------------------------------------------------------------------------- studies and sources

# Documents and findings that the modules below all treat as research.
_RESEARCH_DOCUMENTS = frozenset(
    {
        "analysis", "assessment", "audit", "census", "data", "document", "investigation",
        "paper", "poll", "report", "research", "review", "study", "survey",
    }
)  # fmt: skip

# Words of a credit phrase that name a study or report rather than a party ("a new study",
# "the foundation's estimates"). Matched against unlemmatised words of the phrase, hence the
# plurals; people are absent because a person's credit is compared by name.
STUDY_NOUNS = _RESEARCH_DOCUMENTS | {"article", "book", "estimate", "estimates", "findings"}

# Subjects whose "found"/"revealed" + noun is a report: research documents and findings (lemmas)
# and the people whose job is to find things out. Wider than STUDY_NOUNS on the people side and
# narrower on the publication side ("the article found the keys" is not research).
RESEARCH_SOURCES = _RESEARCH_DOCUMENTS | {
    "experiment", "figure", "filing", "finding", "inquiry", "statistic", "test", "trial",
    "auditor", "expert", "inspector", "investigator", "researcher",
}  # fmt: skip
# Noun endings of research people not listed above ("scientist", "analyst").
RESEARCHER_SUFFIXES = ("ist", "yst")

# Heads that can be the source of a report: people in their roles, bodies and documents. Used
# where the parse alone is too weak (nominal content, borrowed subjects) so that "The deal …,
# revealing deep cracks" does not make a deal the speaker. Its documents are publications in
# general, not only research (a letter, a ruling, a website can "state"), and leave out
# "census", which reports only as data, through RESEARCH_SOURCES.
SOURCE_NOUNS = frozenset(
    {
        # people
        "activist", "adviser", "advisor", "ambassador", "attorney", "auditor", "author",
        "banker", "bishop", "campaigner", "candidate", "captain", "ceo", "chair", "chairman",
        "chairwoman", "chancellor", "chief", "citizen", "coach", "commander", "commentator",
        "commissioner", "consultant", "correspondent", "councillor", "critic", "delegate",
        "deputy", "detective", "diplomat", "director", "doctor", "editor", "employee",
        "engineer", "envoy", "executive", "expert", "farmer", "founder", "general", "governor",
        "head", "inspector", "investigator", "investor", "journalist", "judge", "king",
        "lawmaker", "lawyer", "leader", "legislator", "manager", "mayor", "member", "minister",
        "negotiator", "nurse", "observer", "officer", "official", "owner", "parent", "partner",
        "people", "person", "physician", "pope", "premier", "president", "priest", "principal",
        "professor", "prosecutor", "protester", "queen", "rabbi", "regulator", "reporter",
        "representative", "researcher", "resident", "secretary", "senator", "shareholder",
        "source", "staff", "student", "survivor", "teacher", "trader", "treasurer", "victim",
        "voter", "witness", "worker",
        # bodies
        "administration", "agency", "alliance", "army", "authority", "bank", "board",
        "broadcaster", "bureau", "cabinet", "campaign", "coalition", "commission", "committee",
        "company", "congress", "council", "court", "department", "embassy", "firm",
        "foundation", "fund", "government", "group", "institute", "military", "ministry",
        "network", "office", "operator", "organisation", "organization", "outlet", "panel",
        "parliament", "party", "police", "regime", "senate", "team", "union", "university",
        # documents and findings
        "analysis", "article", "assessment", "audit", "blog", "data", "document", "figure",
        "filing", "finding", "inquiry", "investigation", "journal", "lawsuit", "letter",
        "magazine", "memo", "newsletter", "newspaper", "paper", "poll", "report", "research",
        "review", "ruling", "statement", "statistic", "study", "survey", "verdict", "website",
    }
)  # fmt: skip
# Noun endings of people not listed in SOURCE_NOUNS ("economist", "historian", "spokeswoman").
PERSON_SUFFIXES = ("ist", "ian", "person", "man", "woman", "yst")
# People and groups the lists above miss, mostly in the plural ("hauliers", "justices", "aides").
GROUP_NOUNS = frozenset(
    {
        "advocate", "aide", "ally", "backer", "buyer", "consumer", "customer", "family",
        "haulier", "insider", "justice", "lender", "opponent", "patient", "pollster", "rival",
        "supporter", "other", "landlord", "tenant", "retailer", "manufacturer", "producer",
        "association", "federation", "body", "watchdog", "charity", "regulator", "court",
        "colleague", "sponsor", "spokesperson", "friend", "neighbour", "neighbor", "relative",
        "wife", "husband", "son", "daughter", "mother", "father", "judge", "opposition",
        "tribunal", "jury", "inquiry", "commissioner", "prosecution", "defence", "defense",
    }
)  # fmt: skip
# Data and findings whose report is evidence ("figures show", "the data indicate"): research
# documents plus the words for numbers and records.
EVIDENCE_SOURCES = (_RESEARCH_DOCUMENTS - {"document", "paper"}) | {
    "count", "datum", "estimate", "evidence", "experiment", "figure", "finding", "number",
    "projection", "record", "result", "statistic", "tally", "test", "trial",
}  # fmt: skip

# Verbs that make someone the creator of a study ("a study published/authored/commissioned by").
CREATOR_VERBS = frozenset(
    {
        "publish", "author", "conduct", "write", "commission", "release", "produce", "prepare",
        "lead", "carry", "fund", "compile", "issue", "sponsor", "run",
    }
)  # fmt: skip

# Bodies whose unnamed mention ("the foundation") may stand for a study's named creator.
CREDITED_BODIES = frozenset({"foundation", "institute", "university", "agency"})

# Words of a credit phrase that say what kind of credit it is, not whose it is.
CREDIT_FILLER = frozenset({"new", "latest", "recent", "published", "according", "annual"})

# Credits too vague to contradict anything: "officials said", "experts believe".
VAGUE_CREDIT_WORDS = frozenset(
    {
        "official", "source", "spokesperson", "spokesman", "spokeswoman", "people", "person",
        "expert", "analyst", "observer", "critic", "resident", "witness", "media", "report",
        "some", "many", "other", "several", "one",
    }
)  # fmt: skip

# --------------------------------------------------------------------------- titles

# Titles before a person's name that every title list below shares.
_PERSON_TITLES = frozenset(
    {
        "chancellor", "colonel", "dr", "general", "governor", "judge", "lieutenant", "major",
        "mayor", "minister", "mr", "mrs", "ms", "president", "prof", "professor", "rep",
        "secretary", "sen", "senator",
    }
)  # fmt: skip

# Stripped off the front of a speaker's name ("Harbour Director Ingrid Solberg" -> "Ingrid
# Solberg"; a name keeps two words whatever it starts with), so any role word may go, including
# those that also head an organisation's name.
NAME_TITLES = _PERSON_TITLES | {
    "ambassador", "captain", "chair", "chairman", "chairwoman", "chief", "commissioner",
    "councillor", "deputy", "director", "envoy", "executive", "head", "officer", "sergeant",
    "spokesman", "spokesperson", "spokeswoman",
}  # fmt: skip
# Role nouns ("Treasurer", "Curator", "Researcher") that title case puts in front of a name.
ROLE_SUFFIXES = ("er", "or", "ist", "ian", "ent", "ant")

# An ORG/GPE/NORP entity starting with one of these is a person the NER mislabelled ("Prime
# Minister Kishida", "King Charles"). Narrower than NAME_TITLES on roles such as "Director",
# "Head" or "Executive", which also start the names of offices ("Executive Council"), and wider
# on heads of state and ranks that never begin a body's name.
ENTITY_TITLES = _PERSON_TITLES | {
    "admiral",
    "gov",
    "king",
    "prince",
    "pope",
    "prime minister",
    "queen",
}
# Written with a full stop in the entity text ("Dr.", "Sen.").
ABBREVIATED_TITLES = frozenset({"dr", "gov", "mr", "mrs", "ms", "prof", "rep", "sen"})
# Lower-case roles the NER pulls into a name ("researcher Elena Guseynova" tagged ORG).
ENTITY_ROLES = frozenset({"researcher"})


def _entity_title_pattern() -> re.Pattern[str]:
    """Titles capitalised as they stand before a name; abbreviations with their full stop.

    The ``\\b`` after an abbreviation's full stop only matches when a letter follows at once
    ("Dr.Smith"), so "Dr. Smith" is not relabelled. Kept as it was when the lists moved here:
    fixing it changes which entities become PERSON.
    """
    forms = [
        " ".join(w.capitalize() for w in title.split())
        + ("." if title in ABBREVIATED_TITLES else "")
        for title in sorted(ENTITY_TITLES)
    ]
    alternatives = "|".join(re.escape(f) for f in [*forms, *sorted(ENTITY_ROLES)])
    return re.compile(rf"^(?:{alternatives})\b")


ENTITY_TITLE_RE = _entity_title_pattern()

# Words of an organisation's or person's name that do not tell two parties apart ("Ministry",
# "University", "Dr"). Its titles are a subset of _PERSON_TITLES kept as measured: adding
# "governor" or "mayor" would make "Governor Hale" and "Governor Ruiz" different parties where
# they now count as the same, which can change attribution flags.
GENERIC_NAME_WORDS = frozenset(
    {
        "the", "of", "and", "for", "foundation", "university", "institute", "ministry",
        "department", "agency", "center", "centre", "council", "committee", "office", "group",
        "association", "news", "times", "post", "daily", "press", "journal", "studies", "study",
        "report", "research", "school", "college", "party", "government", "national",
        "international", "mr", "mrs", "ms", "dr", "prof", "professor", "president", "general",
        "lieutenant", "secretary", "minister", "researcher", "analyst", "official", "spokesman",
        "spokeswoman", "spokesperson", "chief", "head", "director", "senator", "leader",
    }
)  # fmt: skip

# --------------------------------------------------------------------------- pronouns

# Pronoun speakers resolved to an earlier mention ("he said" -> the last named person).
PRONOUN_SPEAKERS = frozenset({"he", "she", "they", "it"})
# Pronouns that can be the source of a report at all.
SPEAKER_PRONOUNS = PRONOUN_SPEAKERS | {"we", "i", "you"}
# A relative pronoun subject ("the ministry, which said …") hands the report to its antecedent.
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
# Pronouns of any case, left out of a credit's description words.
PRONOUNS = SPEAKER_PRONOUNS | {
    "it", "him", "her", "them", "us", "his", "hers", "their", "theirs", "its", "our", "who",
    "which",
}  # fmt: skip
FIRST_PERSON_WORDS = frozenset({"i", "we", "me", "my", "our", "us"})
SECOND_PERSON_WORDS = frozenset({"you", "your"})

# --------------------------------------------------------------------------- claim features

CAUSAL_WORDS = frozenset(
    {
        "because", "cause", "caused", "causes", "causing", "due", "lead", "leads", "leading",
        "led", "result", "resulted", "results", "therefore", "thanks", "owing", "consequence",
        "blame", "blamed", "attribute", "attributed", "contribute", "contributed",
    }
)  # fmt: skip
OPINION_WORDS = frozenset(
    {
        "think", "believe", "feel", "hope", "wish", "opinion", "should", "must", "ought",
        "great", "terrible", "amazing", "wonderful", "horrible", "beautiful", "love", "hate",
        "incredible", "disgrace", "disgraceful", "frankly", "honestly", "tremendous",
        "fantastic", "awful", "sad", "shame", "proud", "happy", "glad", "excited",
    }
)  # fmt: skip
SOCIAL_WORDS = frozenset(
    {
        "thank", "thanks", "welcome", "hello", "applause", "laughter", "crosstalk",
        "congratulations", "goodnight", "okay", "ok", "yes", "no",
    }
)  # fmt: skip
# Modal tokens (tag MD) that make a claim a prediction.
PREDICTION_MARKERS = frozenset(
    {"will", "would", "could", "may", "might", "shall", "going", "expected", "likely"}
)
# Words that make a claim a prediction wherever they stand ("is expected to", "forecast").
PREDICTION_WORDS = frozenset({"expected", "likely", "forecast", "predicted"})
COMPARISON_WORDS = frozenset(
    {
        "than", "compared", "versus", "record", "highest", "lowest", "largest", "smallest",
        "biggest", "most", "least", "double", "doubled", "triple", "tripled", "half", "fewer",
    }
)  # fmt: skip
# Verbs of state, which do not make a claim an event.
STATIVE_LEMMAS = frozenset({"be", "have", "seem", "appear", "remain", "become"})

# The check-worthiness ranker's word classes (checkworthy.py). Kept apart from the lists above,
# which decide a claim's kinds: the ranker's were widened while fitting it by leave-one-debate-out
# cross-validation, and words that say nothing about a topic were preferred throughout.
RANK_HEDGE_WORDS = frozenset(
    {
        "maybe", "perhaps", "probably", "possibly", "apparently", "guess", "seem", "seems",
        "seemed", "suppose", "might", "kind", "sort",
    }
)  # fmt: skip
RANK_OPINION_WORDS = OPINION_WORDS | {
    "nice", "good", "bad", "best", "worst", "smart", "stupid", "strong", "weak",
}  # fmt: skip
RANK_SOCIAL_WORDS = SOCIAL_WORDS | {"sir", "ma'am", "please", "bless"}
RANK_FILLER_WORDS = frozenset({"uh", "um", "well", "look", "oh", "ah", "so"})
RANK_CAUSAL_WORDS = CAUSAL_WORDS | {"responsible", "since", "so"}
RANK_COMPARISON_WORDS = frozenset(
    {
        "than", "compared", "versus", "record", "double", "doubled", "triple", "tripled",
        "half", "times", "fewer", "less", "more", "most", "least",
    }
)  # fmt: skip
# Verbs of measurable change and of acts on the record ("cut", "rose", "voted", "signed").
RANK_CHANGE_LEMMAS = frozenset(
    {
        "increase", "decrease", "rise", "fall", "cut", "raise", "grow", "drop", "lose", "double",
        "triple", "reduce", "create", "add", "gain", "decline", "jump", "soar", "plunge",
        "spend", "cost", "pay", "owe", "borrow", "invest", "kill", "die", "hire", "fire", "ban",
        "sign", "vote", "pass", "approve", "build", "close", "open",
    }
)  # fmt: skip
RANK_ABSOLUTE_WORDS = frozenset(
    {
        "never", "always", "every", "all", "nobody", "none", "everyone", "everything",
        "nothing", "only", "ever", "entire", "whole", "any",
    }
)  # fmt: skip
RANK_REPORT_LEMMAS = frozenset(
    {"say", "tell", "report", "announce", "claim", "state", "admit", "testify", "write"}
)
RANK_MONEY_WORDS = frozenset(
    {"dollar", "dollars", "billion", "million", "trillion", "$", "tax", "taxes", "budget",
     "deficit", "debt"}
)  # fmt: skip

# --------------------------------------------------------------------------- function words

# Stop words for comparing credit phrases and the context of figures.
STOPWORDS = frozenset(
    {
        "a", "an", "the", "of", "to", "in", "on", "at", "for", "by", "with", "from", "and",
        "or", "but", "is", "are", "was", "were", "be", "been", "has", "have", "had", "it",
        "its", "this", "that", "these", "those", "as", "than", "more", "most", "less", "about",
        "some",
    }
)  # fmt: skip
