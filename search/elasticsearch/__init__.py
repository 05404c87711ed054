"""The Elasticsearch 8 engine behind the search service.

Used only when ``settings.ELASTICSEARCH_URL`` is set. ``documents`` defines the
index, ``queries`` builds request bodies, ``engine`` runs them and turns the
answers into the service's ``Results``, and ``indexing`` keeps the index in
step with publishing through the outbox in ``search.models``.
"""
