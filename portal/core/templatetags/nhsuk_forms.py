"""NHS.UK form markup for every form on the public site (templates/includes/field.html, error_summary.html).

The package's ``add_widget_classes`` filter leaves selects without their
error style and inputs without a link to their error message; this renders a
widget with both, so a screen reader announces the hint and the error.
"""

from django import forms, template

register = template.Library()

WIDGET_CLASSES = [
    (forms.CheckboxInput, "nhsuk-checkboxes__input", ""),
    (forms.Select, "nhsuk-select", "nhsuk-select--error"),
    (forms.Textarea, "nhsuk-textarea", "nhsuk-textarea--error"),
    (forms.widgets.Input, "nhsuk-input", "nhsuk-input--error"),
]


@register.filter
def nhsuk_widget(field):
    widget = field.field.widget
    classes = next(
        ([base, error] for kind, base, error in WIDGET_CLASSES if isinstance(widget, kind)),
        ["", ""],
    )
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
    attrs = {"class": " ".join(filter(None, [classes[0], classes[1] if field.errors else ""]))}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    widget.attrs.pop("placeholder", None)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field):
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_checkbox_group(field):
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple)


@register.filter
def error_target(field):
    """The id an error summary links to: the field itself, or the first box or button of a group.

    Django's grouped widgets (checkboxes, radios, split dates) say so with
    ``use_fieldset`` and number their inputs from ``_0``; a link to the group's
    own id would lead nowhere.
    """
    if field.field.widget.use_fieldset:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id
