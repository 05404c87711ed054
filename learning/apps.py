from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"

    def ready(self):
        """Email members about their posts, replacing Wagtail's admin-only emails for those posts.

        Wagtail connects its notifiers in ``wagtail.admin``'s ``ready``. Ours use
        the same ``dispatch_uid``: if Wagtail's are connected already they are
        disconnected first; if not, Wagtail's later ``connect`` is ignored.
        """
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete
        from wagtail.models import WorkflowState
        from wagtail.signals import page_published, page_unpublished, workflow_approved, workflow_rejected

        from portal.core.views import keep_on_csrf_failure
        from portal.members import my_data

        from . import held_photos, member_data, notifications, private_photos, views
        from .models import LearningNotePage, PeerVisitReportPage

        replacements = [
            (workflow_approved, "workflow_state_approved_email_notification", notifications.admin_approval_notifier),
            (workflow_rejected, "workflow_state_rejected_email_notification", notifications.admin_rejection_notifier),
        ]
        for signal, uid, notifier in replacements:
            signal.disconnect(sender=WorkflowState, dispatch_uid=uid)
            signal.connect(notifier, sender=WorkflowState, dispatch_uid=uid)
        workflow_approved.connect(
            notifications.email_author_on_approval, sender=WorkflowState, dispatch_uid="learning_author_approved"
        )
        workflow_rejected.connect(
            notifications.email_author_on_changes_requested,
            sender=WorkflowState,
            dispatch_uid="learning_author_changes_requested",
        )
        # A post's photos are public only while the post is published, and go with it (see private_photos).
        for page_class in (LearningNotePage, PeerVisitReportPage):
            page_published.connect(
                private_photos.on_page_published, sender=page_class, dispatch_uid=f"public_photos_{page_class.__name__}"
            )
            page_unpublished.connect(
                private_photos.on_page_unpublished,
                sender=page_class,
                dispatch_uid=f"private_photos_{page_class.__name__}",
            )
            pre_delete.connect(
                private_photos.on_page_deleted, sender=page_class, dispatch_uid=f"delete_photos_{page_class.__name__}"
            )
        pre_delete.connect(held_photos.on_member_deleted, sender=get_user_model(), dispatch_uid="held_photos_of_member")
        # A member's posts in the download of their data and in deleting their account.
        my_data.register("learning", member_data.PART)
        # What was typed into a posting form that had expired is kept, as it is when the session had ended.
        keep_on_csrf_failure(views.keep_typed)
