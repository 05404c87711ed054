"""Every setting the portal's code reads is declared in portal/settings.

Read from the source (no import), so that a setting that exists only as a
``getattr(settings, "X", default)`` in some module, or only in one
environment's file, is caught when it is written rather than when a server
starts without it. Django's own defaults (django.conf.global_settings) count
as declared; every other name must be assigned in portal/settings/*.py.
"""

import ast
from pathlib import Path

from django.conf import global_settings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_DIR = ROOT / "portal" / "settings"
# The project's code; tests change settings through pytest-django's fixture.
CODE_DIRS = ["portal", "learning", "casestudies", "search", "bench"]


def project_modules():
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            # A migration keeps the code it was written with; it is never edited afterwards.
            if "migrations" not in path.parts and SETTINGS_DIR not in path.parents:
                yield path


def imports_django_settings(tree):
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "django.conf"
        and any(alias.name == "settings" and alias.asname is None for alias in node.names)
        for node in ast.walk(tree)
    )


def settings_read(path):
    """(name, line, has_default) for each ``settings.NAME`` and ``getattr(settings, "NAME"[, default])``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    if not imports_django_settings(tree):
        return
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "settings"
            and node.attr.isupper()
        ):
            yield node.attr, node.lineno, False
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "hasattr"}
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "settings"
            and isinstance(node.args[1], ast.Constant)
        ):
            yield node.args[1].value, node.lineno, node.func.id == "hasattr" or len(node.args) > 2


def declared_settings():
    names = {name for name in dir(global_settings) if name.isupper()}
    for path in SETTINGS_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                names |= {target.id for target in targets if isinstance(target, ast.Name) and target.id.isupper()}
    return names


def test_the_checks_see_the_settings_the_code_reads():
    """The scan finds reads that are known to be there, so the tests below cannot pass by finding nothing."""
    read = {name for path in project_modules() for name, _, _ in settings_read(path)}
    assert {"PORTAL_BASE_URL", "CULTURE_MIN_RESPONSES", "PORTAL_COMMENTS_PER_HOUR", "ELASTICSEARCH_URL"} <= read
    assert {"PORTAL_BASE_URL", "REDIS_URL", "WAGTAILFRONTENDCACHE", "DEBUG"} <= declared_settings()


def test_every_setting_the_code_reads_is_declared():
    declared = declared_settings()
    undeclared = [
        f"{path.relative_to(ROOT)}:{line} reads settings.{name}"
        for path in project_modules()
        for name, line, _ in settings_read(path)
        if name not in declared
    ]
    assert undeclared == [], "Declare these in portal/settings/ with a comment:\n" + "\n".join(undeclared)


def test_no_code_keeps_a_default_of_its_own_for_a_setting():
    """A default belongs beside the setting's declaration, not in the module that reads it."""
    with_defaults = [
        f"{path.relative_to(ROOT)}:{line} reads {name} with a default"
        for path in project_modules()
        for name, line, has_default in settings_read(path)
        if has_default
    ]
    assert with_defaults == []
