from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"

    def ready(self):
        from django.conf import settings

        from search import signals as database_index_signals

        database_index_signals.connect()

        # Without a cluster there is no index to keep up to date (and no outbox to fill).
        if settings.ELASTICSEARCH_URL:
            from search.elasticsearch import signals

            signals.connect()
