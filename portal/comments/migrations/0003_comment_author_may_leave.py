"""Let a comment outlive its author's account, keeping their organisation's name."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def keep_organisation_names(apps, schema_editor):
    """Copy each existing comment's organisation now, while every author still has a profile."""
    Comment = apps.get_model("comments", "Comment")
    MemberProfile = apps.get_model("members", "MemberProfile")
    for profile in MemberProfile.objects.select_related("organisation").iterator():
        name = profile.organisation.name if profile.organisation_id else profile.requested_organisation
        if name:
            Comment.objects.filter(author_id=profile.user_id).update(author_organisation_name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_moderators_moderate_comments"),
        ("members", "0003_moderators_review_members"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="author_organisation_name",
            field=models.CharField(
                blank=True,
                help_text="The author's organisation when they posted, kept so the comment still says where it came from after the author deletes their account.",
                max_length=255,
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="author",
            field=models.ForeignKey(
                blank=True,
                help_text="The member who wrote the comment. Empty once they have deleted their account.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="member_comments",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(keep_organisation_names, migrations.RunPython.noop),
    ]
