"""``/search/`` and ``/search/suggest/``, included at ``search/`` by ``portal.urls``.

No namespace: the search page keeps the URL name "search" that the header uses.
"""

from django.urls import path

from search import views

urlpatterns = [
    path("", views.search, name="search"),
    path("suggest/", views.suggest, name="search_suggest"),
]
