"""The admin's round form: the facilitator picker names people, not usernames."""

from wagtail.admin.forms import WagtailAdminModelForm


def person_label(user):
    """'Helen Marsh, Ordsall Riverside Surgery': a name and organisation a person recognises."""
    name = user.get_full_name() or user.email or user.get_username()
    profile = getattr(user, "member_profile", None)
    organisation = getattr(profile, "organisation", None) if profile else None
    return f"{name}, {organisation.name}" if organisation else name


class RoundAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("facilitator")
        if field is not None:
            field.queryset = (
                field.queryset.filter(is_active=True)
                .select_related("member_profile__organisation")
                .order_by("first_name", "last_name", "email")
            )
            field.label_from_instance = person_label
