from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    """Django's rewrite patterns, less the ``sourceMappingURL`` comments.

    The NHS.UK frontend's minified CSS names a ``.map`` file its package does
    not ship, which made ``collectstatic`` stop with ``MissingFileError``. The
    maps are only for debugging, so the comments are left as they are.
    """
    return tuple(
        (extension, tuple(rule for rule in rules if "sourceMappingURL" not in str(rule)))
        for extension, rules in patterns
    )


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files, with ES module imports rewritten to the
    hashed names too (portal.js imports the NHS.UK frontend module)."""

    support_js_module_import_aggregation = True
    patterns = _without_source_maps(ManifestStaticFilesStorage.patterns)
