"""The demo site, loaded once for a whole test module.

``load_demo`` takes several seconds, and a test module that checks the demo
would otherwise load it again for every test. ``demo_loaded_once`` loads it
inside a transaction that is rolled back when the module is done; each test's
own transaction nests inside it (as with Django's ``TestCase.setUpTestData``),
so the tests share the content but not each other's changes.
"""

from contextlib import contextmanager
from io import StringIO

import factory.random
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


@contextmanager
def demo_loaded_once(django_db_blocker, tmp_path_factory, **settings):
    """Load the demo (with ``settings`` overridden while it loads) and yield what it printed.

    Uploads go where each test looks for them (tests/conftest.py's
    ``_media_in_a_temporary_folder``), and Faker is seeded as before a test.
    """
    base = tmp_path_factory.getbasetemp()
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=base / "media", PRIVATE_MEDIA_ROOT=base / "private-media", **settings),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            factory.random.reseed_random("safety-learning-portal")
            out = StringIO()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
