"""The production static files storage, minus source-map references.

wagtail-nhsuk-frontend's CSS ends with a ``sourceMappingURL`` comment naming a
``.map`` file the package does not ship, and the manifest storage fails
``collectstatic`` on any reference it cannot find. Browsers only fetch source
maps when developer tools are open, so leaving the comment unhashed changes
nothing a reader downloads.
"""

from portal.core.storage import StaticFilesStorage as ProductionStorage


def _without_source_maps(patterns):
    def keep(pattern):
        return "sourceMappingURL" not in (pattern[0] if isinstance(pattern, tuple) else pattern)

    return tuple((extension, tuple(filter(keep, found))) for extension, found in patterns)


class StaticFilesStorage(ProductionStorage):
    patterns = _without_source_maps(ProductionStorage.patterns)
