"""The WSGI application gunicorn serves (``deploy/gunicorn.conf.py`` loads it once, in the master).

The URLconf, and with it every view module, is imported here too, so that
each worker gunicorn forks starts with it rather than importing it on its
first request. Workers are replaced every 2,000 or so requests
(``max_requests``): the first request of a new worker cost about 0.5 s of CPU,
0.4 s of it this import (docs/performance.md, "Signed-in pages, second
round"). Importing it opens no database connection.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - imported for its side effect, the URLconf's modules
