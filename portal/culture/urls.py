from django.urls import path

from . import views

app_name = "culture"

urlpatterns = [
    path("", views.index, name="index"),
    path("answer/<str:token>/", views.answer_by_link, name="answer_link"),
    path("rounds/new/", views.open_round, name="open_round"),
    path("rounds/<int:pk>/", views.round_results_view, name="round"),
    path("rounds/<int:pk>/answer/", views.answer_as_member, name="answer_member"),
    path("rounds/<int:pk>/links/", views.create_links, name="links"),
    path("rounds/<int:pk>/links/download/", views.download_links, name="links_download"),
    path("rounds/<int:pk>/debrief/", views.debrief, name="debrief"),
    path("rounds/<int:pk>/debrief/<int:dimension_pk>/", views.debrief_dimension, name="debrief_dimension"),
    path(
        "rounds/<int:pk>/debrief/<int:dimension_pk>/actions/<int:action_pk>/",
        views.change_action,
        name="change_action",
    ),
    path(
        "rounds/<int:pk>/debrief/<int:dimension_pk>/actions/<int:action_pk>/remove/",
        views.remove_action,
        name="remove_action",
    ),
    path("rounds/<int:pk>/summary/", views.summary, name="summary"),
    path("settings/", views.aggregates_index, name="aggregates_index"),
    path("settings/<slug:slug>/", views.aggregates, name="aggregates"),
]
