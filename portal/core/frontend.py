"""The one inline script on public pages, and its Content Security Policy hash.

The NHS.UK design system styles its components for JavaScript (the header's "More" menu,
tabs, ...) under ``body.nhsuk-frontend-supported``, and its page template sets that class in
an inline script at the very top of ``<body>``, before anything is drawn. Set later, from a
module script, the header is first drawn without it and then shrinks, moving the whole page up
(a layout shift of 0.05 on every page on a phone). The class is set only where the browser runs
module scripts, as ours are, so a browser that cannot run them keeps the plain header. If one of
our scripts then fails to arrive (a failed download, a strict proxy), the class is taken off
again: the design system's components would never start, and its header, styled for them,
would hide the navigation links that no longer fit behind a "More" button that never appears.

The script never changes, so the policy allows it by its SHA-256 hash rather than a nonce: a
nonce differs per response, and would stop pages being cached (``portal.core.pagecache``).
https://service-manual.nhs.uk/design-system/production
https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/script-src
"""

import base64
import hashlib

FRONTEND_SUPPORTED_SCRIPT = (
    "document.body.className += ' js-enabled' + "
    "('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');"
    "window.addEventListener('error', function (event) {"
    " if (event.target instanceof HTMLScriptElement) document.body.classList.remove('nhsuk-frontend-supported');"
    " }, true);"
)


def csp_hash(script: str) -> str:
    """The script-src source that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
