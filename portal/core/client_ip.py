"""The visitor's address, for every per-client count (sign-in throttle, API throttle).

Behind nginx every request arrives from nginx's own address, so ``REMOTE_ADDR``
alone would count every visitor as one. nginx adds the address it saw to the end
of ``X-Forwarded-For`` (deploy/nginx/portal.conf); that last entry is believed
only when the request really came from a proxy named in ``PORTAL_TRUSTED_PROXIES``
(addresses or networks; deploy/gunicorn.conf.py sets it). From anywhere else the
header is whatever the client chose to write, so it is ignored.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _address(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted_proxy(address):
    address = _address(address or "")
    return address is not None and any(address in net for net in _networks(tuple(settings.PORTAL_TRUSTED_PROXIES)))


def client_ip(request):
    """The client's address as a string: the proxy's word for it only when a trusted proxy sent the request."""
    remote = request.META.get("REMOTE_ADDR", "")
    if is_trusted_proxy(remote):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        address = _address(forwarded[-1])
        if address is not None:
            return str(address)
    return remote
