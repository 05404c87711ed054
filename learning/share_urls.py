"""/share/: members post learning notes and peer-visit reports from the public site (``learning.views``),
see their own posts under /share/mine/, and see their draft photos (``learning.private_photos``)."""

from django.urls import path

from . import private_photos, views

app_name = "share"

urlpatterns = [
    path("", views.index, name="index"),
    path("learning-note/", views.new_learning_note, name="learning_note"),
    path("peer-visit/", views.new_peer_visit, name="peer_visit"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/edit/", views.edit, name="edit"),
    path("mine/<int:pk>/preview/", views.preview, name="preview"),
    path("mine/<int:pk>/send/", views.submit, name="submit"),
    path("photos/<path:name>", private_photos.private_photo, name="photo"),
]
