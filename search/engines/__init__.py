"""The engines behind ``search.service``; Elasticsearch's lives in ``search.elasticsearch``."""
