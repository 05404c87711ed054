from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    """Django's URL-rewriting patterns minus the sourceMappingURL ones.

    The NHS.UK frontend's minified CSS names a source map the package does not
    ship, which makes collectstatic fail; the portal serves no source maps.
    """
    return tuple(
        (extension, tuple(p for p in rules if "sourceMappingURL" not in (p[0] if isinstance(p, tuple) else p)))
        for extension, rules in patterns
    )


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files, with ES module imports rewritten to the
    hashed names too (portal.js imports the NHS.UK frontend module)."""

    support_js_module_import_aggregation = True
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
