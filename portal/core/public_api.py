"""What every endpoint of the read-only API shares: no credentials, a throttle per client.

The API (/api/v2/, portal/api.py) is public and read-only, like the feeds; see
docs/security.md, "The read-only API reads no credentials".
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError

from portal.core.client_ip import client_ip


class ClientRateThrottle(SimpleRateThrottle):
    """``PORTAL_API_RATE`` requests per client address, whoever they say they are.

    The address is the sign-in throttle's (``portal.core.client_ip``): behind
    the trusted nginx it is the visitor's, and a forged X-Forwarded-For from
    anyone else changes nothing. DRF's own ``get_ident`` would believe that header.
    """

    scope = "api"

    def get_rate(self):
        return settings.PORTAL_API_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class SearchRateThrottle(ClientRateThrottle):
    """``PORTAL_API_SEARCH_RATE`` searches per client: a search costs far more than a listing."""

    scope = "api_search"

    def get_rate(self):
        return settings.PORTAL_API_SEARCH_RATE

    def allow_request(self, request, view):
        if "search" not in request.query_params:
            return True
        return super().allow_request(request, view)


class SiteSearchThrottle(ClientRateThrottle):
    """``PORTAL_SITE_SEARCH_RATE`` searches per client on the site's own search page.

    A long search full of synonyms and compound words costs ten times an ordinary
    one; a client sending a few a second kept every worker busy for every reader.
    Counted in the cache, so per process unless Redis is shared (docs/scaling.md).
    """

    scope = "site_search"

    def get_rate(self):
        return settings.PORTAL_SITE_SEARCH_RATE


# The site's own search box keeps 200 characters (search.forms.MAX_QUERY_LENGTH); the API refuses more.
MAX_SEARCH_CHARACTERS = 200
MAX_SEARCH_WORDS = 20
SEARCH_OPERATORS = ("and", "or")


class BoundedSearchFilter(SearchFilter):
    """Wagtail's ``?search=``, refused with 400 and a message when it would cost too much or make no sense.

    Unbounded, hundreds of words took seconds a request, and hundreds with
    ``search_operator=and`` (or an operator other than "and" and "or") raised
    errors deep in the search backend: a 500 for anyone who asked.
    """

    def filter_queryset(self, request, queryset, view):
        if "search" in request.GET:
            search = request.GET["search"]
            if len(search) > MAX_SEARCH_CHARACTERS:
                raise BadRequestError(f"search is too long: use at most {MAX_SEARCH_CHARACTERS} characters")
            if len(search.split()) > MAX_SEARCH_WORDS:
                raise BadRequestError(f"search has too many words: use at most {MAX_SEARCH_WORDS}")
            if "\x00" in search:
                raise BadRequestError("search may not contain a null character")
            if search.count('"') % 2:
                # Quotation marks make a phrase; one left open is a syntax error in SQLite's full-text search.
                raise BadRequestError('search has an opening " with no closing one: close the phrase or remove it')
        operator = request.GET.get("search_operator")
        if operator is not None and operator not in SEARCH_OPERATORS:
            raise BadRequestError("search_operator must be 'and' or 'or'")
        return super().filter_queryset(request, queryset, view)


# The largest offset a list takes: far beyond any list the portal holds, and well inside
# the 64-bit integers both databases take (SQLite refused 2**63 with a server error).
MAX_OFFSET = 10**9


class BoundedPagination(WagtailPagination):
    """Wagtail's offset and limit, with an offset too large for the database answered as a 400."""

    def paginate_queryset(self, queryset, request, view=None):
        offset = request.GET.get("offset", "0")
        if offset.isdigit() and int(offset) > MAX_OFFSET:
            raise BadRequestError(f"offset cannot be higher than {MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)


class PublicAPIMixin:
    """Public and read-only: no credentials are read, every client is throttled.

    Set on each endpoint as well as in ``REST_FRAMEWORK``, so that no endpoint
    can fall back to DRF's defaults (session and HTTP Basic authentication,
    which made the API a password-guessing oracle beside the throttled sign-in).
    """

    authentication_classes = []
    permission_classes = []
    throttle_classes = [ClientRateThrottle]
    pagination_class = BoundedPagination
