"""The two orders of source passages: the one the support decision was fit on, and the one a
reviewer reads. Hand-made term counts, no parse: what is tested is the weighting."""

from __future__ import annotations

from collections import Counter

from annotations.nlp.evidence import DISPLAY_B, DISPLAY_ENTITY_WEIGHT, Bm25Index, Passage


def passage(start: int, terms: dict[str, int]) -> Passage:
    return Passage("s1", start, start + 10, f"p{start}", Counter(terms))


def test_the_display_index_keeps_the_passages_and_changes_only_the_weights():
    index = Bm25Index([passage(0, {"cost": 1}), passage(20, {"budget": 2})])
    shown = index.for_display()
    assert shown.passages == index.passages
    assert (shown.b, shown.entity_weight) == (DISPLAY_B, DISPLAY_ENTITY_WEIGHT)
    assert (index.b, index.entity_weight) != (shown.b, shown.entity_weight)


def test_a_shared_name_outranks_shared_content_for_the_decision_but_not_for_the_reviewer():
    claim = Counter({"E:harbour trust": 1, "ferry": 1, "winter": 1, "run": 1})
    filler = [passage(100 + 20 * i, {f"w{i}": 1, "town": 1}) for i in range(8)]
    named = passage(0, {"E:harbour trust": 1, "meeting": 1, "E:harbour": 1})
    content = passage(
        40,
        {"ferry": 1, "run": 1, "winter": 1, "timetable": 1, "crossing": 1, "storm": 1,
         "season": 1, "E:harbour trust": 0},
    )  # fmt: skip
    index = Bm25Index([named, content, *filler], b=0.75, entity_weight=4.0)
    assert index.search(claim, 1)[0][0] is named
    assert index.for_display().search(claim, 1)[0][0] is content


def test_scores_stay_in_the_unit_interval_under_either_weighting():
    passages = [passage(0, {"a": 3, "E:x": 2}), passage(20, {"a": 1})]
    claim = Counter({"a": 1, "E:x": 1})
    for index in (Bm25Index(passages), Bm25Index(passages).for_display()):
        assert all(0.0 < s <= 1.0 for _, s in index.search(claim, 5))
