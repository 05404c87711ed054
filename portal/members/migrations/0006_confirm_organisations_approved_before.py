"""Members approved before confirmation was recorded keep their organisation.

The moderator who approved them chose the organisation then, so the approval
is taken as the confirmation: by their approver, at the time of approval
(or of joining, where no time was kept), with
the method "approved before confirmation was recorded" so the programme team
can tell these apart and check them again if they wish.
"""

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Coalesce


def confirm_earlier_approvals(apps, schema_editor):
    MemberProfile = apps.get_model("members", "MemberProfile")
    earlier = MemberProfile.objects.filter(
        status="approved", organisation__isnull=False, organisation_confirmed_at__isnull=True
    )
    earlier.update(
        organisation_confirmed_for=F("organisation"),
        organisation_confirmed_by=F("decided_by"),
        organisation_confirmed_at=Coalesce(F("decided_at"), F("created_at")),
        organisation_confirmed_how="before-recording",
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0005_record_who_confirmed_organisation")]

    operations = [migrations.RunPython(confirm_earlier_approvals, migrations.RunPython.noop)]
