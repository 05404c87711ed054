"""gunicorn settings for the portal: ``gunicorn -c deploy/gunicorn.conf.py portal.wsgi``.

Sync workers, 2 per CPU core plus one, as gunicorn's documentation suggests
for a server behind a buffering proxy (nginx, deploy/nginx/portal.conf): each
worker renders one page at a time and nginx deals with slow clients.
https://docs.gunicorn.org/en/stable/design.html#how-many-workers
Every value can be overridden from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A page that takes longer than this is stuck: the worker is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Load the app once before forking: less memory, and a broken settings file
# stops the server at start rather than in each worker.
preload_app = True
# nginx on the same machine says whether the visitor used HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The same nginx is the one proxy whose X-Forwarded-For the portal believes when
# it counts sign-in attempts and API requests per visitor
# (portal/core/client_ip.py); from anyone else the header is ignored.
# "*" (trust anyone) is never passed on: that would let every visitor choose their address.
trusted_proxies = os.environ.get("TRUSTED_PROXIES", "" if forwarded_allow_ips == "*" else forwarded_allow_ips)
raw_env = [f"TRUSTED_PROXIES={trusted_proxies}"]
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
