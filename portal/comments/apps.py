from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "portal.comments"
    label = "comments"
    verbose_name = "Comments"

    def ready(self):
        from portal.members import my_data

        from . import member_data

        my_data.register("comments", member_data.PART)
