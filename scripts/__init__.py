"""Training and gold-evaluation scripts, run by hand with an explicit ``--out`` where they write.

A package so that bench/quality.py can import the CLEF split, the metrics and the gold scorer
from here; ``make bench`` runs bench/*.py only, never these.
"""
