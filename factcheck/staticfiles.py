"""The static files storage for production: WhiteNoise's compressed, hashed files, with the
workbench's ES module imports rewritten to the hashed names as well.

Why the rewrite: ``main.js`` imports ``./review.js`` and friends by relative name. Hashed
files are cached for a year, so a page that loads a new hashed ``main.js`` must also get the
new modules it imports, not whatever unhashed ``review.js`` a browser still has cached.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class WorkbenchStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
