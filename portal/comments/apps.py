from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "portal.comments"
    label = "comments"
    verbose_name = "Comments"

    def ready(self):
        from portal.core.views import keep_on_csrf_failure
        from portal.members import my_data

        from . import member_data, views

        my_data.register("comments", member_data.PART)
        keep_on_csrf_failure(views.keep_turned_away_comment)
