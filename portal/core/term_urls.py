"""/settings/, /domains/ and /topics/: every kind of knowledge page by one term.

The namespace stays ``taxonomy`` (``{% url 'taxonomy:setting' slug %}``), as before these views
moved here from portal.taxonomy, which holds only the terms themselves and sits below core.
"""

from django.urls import path

from . import term_views as views

app_name = "taxonomy"

urlpatterns = [
    path("settings/", views.setting_list, name="setting_list"),
    path("settings/<slug:slug>/", views.setting_detail, name="setting"),
    path("domains/", views.domain_list, name="domain_list"),
    path("domains/<slug:slug>/", views.domain_detail, name="domain"),
    path("topics/<str:slug>/", views.topic_detail, name="topic"),
]
