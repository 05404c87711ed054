"""Dependencies run one way: each app imports only apps in the layers below it (docs/architecture.md).

Every ``import`` in the project's code is read with ``ast``, at any depth (an
import inside a function counts as much as one at the top), so a cycle cannot
be hidden by moving an import into a function.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. An app may import apps in lower layers only: never one in its
# own layer (the content apps stay independent of each other) nor above it.
LAYERS = [
    # Terms: no other app of the portal.
    ("portal.taxonomy",),
    # The knowledge page base, listings, feeds, the page cache and the helpers every app shares.
    ("portal.core",),
    # The email outbox.
    ("portal.mail",),
    # Accounts, who is who, two-factor, digests.
    ("portal.members",),
    # Content and community, one app each.
    ("casestudies", "learning", "portal.updates", "portal.comments", "portal.roadmap", "portal.culture"),
    # Organisations' change ideas tested and adopted, built on the roadmap, members and learning (issue 18).
    ("portal.improvement",),
    # Organisations' local measures, whose charts mark when their change ideas started testing (issue 18).
    ("portal.localmeasures",),
    # What gathers the content apps: the home page, search, backup.
    ("portal.home", "search", "portal.backup"),
    # The demo site, which fills every app, and the project's own modules (urls, api, feeds_urls, settings).
    ("portal.demo", "portal"),
]
LAYER_OF = {app: number for number, apps in enumerate(LAYERS) for app in apps}
TOP_LEVEL = {"portal", "learning", "casestudies", "search"}


def app_of(module):
    """The app a module belongs to: ``portal.core.models`` is in ``portal.core``, ``learning.forms`` in ``learning``."""
    parts = module.split(".")
    if parts[0] not in TOP_LEVEL:
        return None
    if parts[0] == "portal" and len(parts) > 1 and f"portal.{parts[1]}" in LAYER_OF:
        return f"portal.{parts[1]}"
    return parts[0]


def project_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in TOP_LEVEL or "migrations" in relative.parts:
            continue
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        yield module, path


def imports_of(module, path):
    """Every absolute module name ``path`` imports, relative imports resolved, with its line."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module
            if name != "portal":  # ``from portal import x`` is judged by x, below
                yield name, node.lineno
            # ``from portal import api`` imports the module portal.api.
            for alias in node.names:
                yield f"{name}.{alias.name}", node.lineno


def wrong_way_imports():
    found = []
    for module, path in project_modules():
        source = app_of(module)
        for name, line in imports_of(module, path):
            target = app_of(name)
            if target is None or target == source:
                continue
            if LAYER_OF[target] >= LAYER_OF[source]:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name} ({source} -> {target})")
    return sorted(set(found))


def test_every_app_has_a_layer():
    apps = {app_of(module) for module, _ in project_modules()}
    assert apps - set(LAYER_OF) == set(), "add the new app to LAYERS here and in docs/architecture.md"


def test_apps_import_only_apps_below_them():
    assert wrong_way_imports() == []


@pytest.mark.parametrize(
    ("importer", "imported", "wrong"),
    [
        ("portal.core.models", "portal.members.models", True),
        ("portal.members.my_data", "learning.models", True),
        ("learning.models", "casestudies.models", True),
        ("portal.taxonomy.models", "portal.core.listing", True),
        ("search.service", "portal.demo.loader", True),
        ("learning.models", "portal.members.names", False),
        ("portal.demo.loader", "search.service", False),
        ("portal.localmeasures.chart", "portal.improvement.models", False),
        ("portal.improvement.views", "portal.localmeasures.models", True),
        ("portal.roadmap.api", "portal.improvement.models", True),
        ("portal.members.digests", "portal.improvement.models", True),
    ],
)
def test_the_rule_tells_right_from_wrong(importer, imported, wrong):
    """The layers say what the docs say: core is below members, content apps are independent, the demo on top."""
    assert (LAYER_OF[app_of(imported)] >= LAYER_OF[app_of(importer)]) is wrong


def test_relative_imports_are_resolved(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("from . import models\nfrom ..core.models import KnowledgePage\nimport portal.demo.loader\n")
    names = {name for name, _ in imports_of("portal.members.views", module)}
    assert {"portal.members.models", "portal.core.models", "portal.demo.loader"} <= names


def modules_importing_each_other(skip=("search",)):
    """Pairs of modules that import each other (at any depth), outside ``skip``.

    search/ is being restructured on its own (its service and engines) and is left to that work.
    """
    modules = {module: path for module, path in project_modules() if module.split(".")[0] not in skip}
    imported = {
        module: {name for name, _ in imports_of(module, path) if name in modules and name != module}
        for module, path in modules.items()
    }
    return sorted((a, b) for a, names in imported.items() for b in names if a < b and a in imported[b])


def test_no_two_modules_import_each_other():
    """A pair that imports each other is a cycle held apart by an import inside a function."""
    assert modules_importing_each_other() == []
