from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files, with ES module imports rewritten to the
    hashed names too (portal.js imports the NHS.UK frontend module)."""

    support_js_module_import_aggregation = True
