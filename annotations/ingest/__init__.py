"""Everything that turns outside input into the services' ``ArticleInput`` records.

``text`` decodes bytes and enforces the limits, ``headers`` reads what a text says about itself
(masthead, headline, a source's citation header), ``inputs`` fills the blanks a caller left from
those headers, and ``jsonl`` is the one batch parser behind both ``import_batch`` and the web
batch upload, so a line gets the same decision and the same message from either.

Nothing is re-exported here: ``services`` imports ``ingest.text`` while ``inputs`` and ``jsonl``
import ``services``, and an eager import in this file would close that loop.
"""
