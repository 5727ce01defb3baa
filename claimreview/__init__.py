"""ClaimReview: publishing our verdicts as schema.org markup, and reading others' back.

Its own app because it is a boundary with its own rules (Google's fact-check guidelines,
schema.org) and its own public URLs, read by search engines and other sites rather than by
reviewers. It has no models: it reads the workbench's verdicts through
:mod:`claimreview.records` and writes imported ones through the workbench's services.

Rooms: ``builder`` (pure: records -> JSON-LD), ``writers`` (feed, JSON Lines, script-safe
JSON), ``parser`` (JSON-LD -> flat records), ``validation/`` (Google's rules, vocabulary),
``records`` (database -> builder input), ``services`` (import), ``views``/``urls`` (the
public surfaces) and the ``export_``/``import_``/``validate_claimreview`` commands.
"""
