"""Attribution extraction: who said what, with which cue, as speaker–cue–content spans.

The extractor works on ONE line/paragraph parsed by spaCy (the orchestrator parses lines
separately because headline lines otherwise merge into the next sentence) and returns plain
``Attribution`` records whose offsets are shifted by ``base`` into the full text.

The package, by responsibility:

- ``extract``: the entry points (a parsed line in, records out; a whole text line by line)
  and each report's kind (quote, paraphrase, intention, evidence);
- ``state``: one line's working state, and the checks every rule's output passes (a speaker
  is a person, body or document; a cue keeps its auxiliaries; no content in a dateline);
- ``rules``: the rules, in the order they claim a cue, and the step that keeps a report nested
  in another's content out of the top level;
- ``frames``: frames read partly from the surface (idioms, a name before a colon, headlines,
  a source after a comma closing the sentence);
- ``syntax``: parse helpers (trims, token runs, noun phrases, clause heads);
- ``speakers``: whether a phrase can be a source, borrowed subjects, and resolving pronoun,
  relative-pronoun and surname speakers to fuller mentions across the text;
- ``quotes``: pairing quotation marks and reading direct speech.

Its word lists (reporting verbs, source nouns, titles, pronouns) are in ``nlp/lexicon.py``.
"""

from __future__ import annotations

from annotations.nlp.attributions.extract import extract_attributions, line_attributions
from annotations.nlp.attributions.quotes import find_quotes
from annotations.nlp.attributions.speakers import resolve_speakers

__all__ = ["extract_attributions", "find_quotes", "line_attributions", "resolve_speakers"]
