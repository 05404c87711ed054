"""NHS.UK form markup for every form on the public site (templates/includes/field.html, error_summary.html).

The package's ``add_widget_classes`` filter leaves selects without their
error style and inputs without a link to their error message; this renders a
widget with both, so a screen reader announces the hint and the error.
"""

from django import forms, template
from django.forms.utils import ErrorDict, ErrorList
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

WIDGET_CLASSES = [
    (forms.CheckboxInput, "nhsuk-checkboxes__input", ""),
    (forms.Select, "nhsuk-select", "nhsuk-select--error"),
    (forms.Textarea, "nhsuk-textarea", "nhsuk-textarea--error"),
    (forms.widgets.Input, "nhsuk-input", "nhsuk-input--error"),
]


@register.filter
def nhsuk_counted_widget(field):
    """``nhsuk_widget`` inside the design system's character count (templates/includes/field.html draws its message)."""
    return nhsuk_widget(field, counted=True)


@register.filter
def nhsuk_widget(field, counted=False):
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
    if counted and character_limit(field):
        # The design system's character count says how many are left as people type; the
        # browser's maxlength would instead cut a pasted text off at the limit without a word.
        widget.attrs.pop("maxlength", None)
        classes[0] += " nhsuk-js-character-count"
        described_by.append(f"{field.auto_id}-info")
    attrs = {"class": " ".join(filter(None, [classes[0], classes[1] if field.errors else ""]))}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    widget.attrs.pop("placeholder", None)
    if type(widget) is forms.Select:
        return field.as_widget(widget=_PlainSelect(widget), attrs=attrs)
    if type(widget) in _PLAIN_INPUTS:
        return field.as_widget(widget=_PlainInput(widget), attrs=attrs)
    return field.as_widget(attrs=attrs)


# A one-line box gets a character count only when its limit is one a person could reach
# (a title, a summary); a name's or a postcode's limit would only add clutter.
COUNTED_ONE_LINE_LIMIT = 200


@register.filter
def character_limit(field):
    """The most characters a text area (or a long text box) takes, for the design system's character count."""
    limit = getattr(field.field, "max_length", None)
    widget = type(field.field.widget)
    if not limit or widget not in (forms.TextInput, forms.Textarea):
        return None
    return limit if widget is forms.Textarea or limit >= COUNTED_ONE_LINE_LIMIT else None


@register.filter
def thousands(number):
    """2000 as "2,000"."""
    return f"{number:,}"


class _DrawnInPython:
    """A widget wrapped so that only ``render`` is ours; everything else is the wrapped widget's own."""

    def __init__(self, widget):
        self._widget = widget

    def __getattr__(self, name):
        return getattr(self._widget, name)


class _PlainSelect(_DrawnInPython):
    """A ``forms.Select`` drawn in Python: the same HTML as Django's widget templates.

    Django renders a select through a template per option and another for
    each element's attributes, about a third of a millisecond per option; the
    listings' topic filter has dozens, which made it a sixth of the page's
    time. Everything but ``render`` is the wrapped widget's own.
    """

    def render(self, name, value, attrs=None, renderer=None):
        context = self._widget.get_context(name, value, attrs)["widget"]
        html = [format_html('<select name="{}"', context["name"]), _attrs(context["attrs"]), ">"]
        for group_name, options, _index in context["optgroups"]:
            if group_name:
                html.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                html.append(format_html('\n  <option value="{}"', option["value"]))
                html += [_attrs(option["attrs"]), format_html(">{}</option>\n", option["label"])]
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value above went through format_html


# Django's widgets whose templates are django/forms/widgets/input.html (by way of text.html,
# email.html and the rest, each of which only includes it), and the textarea.
_PLAIN_INPUTS = {
    forms.TextInput,
    forms.EmailInput,
    forms.URLInput,
    forms.NumberInput,
    forms.PasswordInput,
    forms.DateInput,
    forms.Textarea,
}


class _PlainInput(_DrawnInPython):
    """One of ``_PLAIN_INPUTS`` drawn in Python: the same HTML as Django's widget templates.

    A form drawn through the templates costs about a third of a millisecond
    a field (the widget's template, then its attributes' template); the
    learning note form has sixteen, a third of the page's time. Everything but
    ``render`` is the wrapped widget's own.
    """

    def render(self, name, value, attrs=None, renderer=None):
        context = self._widget.get_context(name, value, attrs)["widget"]
        if isinstance(self._widget, forms.Textarea):
            # django/forms/widgets/textarea.html
            html = format_html('<textarea name="{}"', context["name"]) + _attrs(context["attrs"]) + ">\n"
            if context["value"]:
                html += conditional_escape(context["value"])
            return mark_safe(html + "</textarea>")  # noqa: S308 - every value above went through format_html
        # django/forms/widgets/input.html
        html = format_html('<input type="{}" name="{}"', context["type"], context["name"])
        if context["value"] is not None:
            html += format_html(' value="{}"', context["value"])
        return mark_safe(html + _attrs(context["attrs"]) + ">")  # noqa: S308 - as above


def _attrs(attrs):
    """What django/forms/widgets/attrs.html gives: escaped, False left out, True as a bare name."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


@register.filter
def is_checkbox(field):
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_checkbox_group(field):
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple)


def forms_with_errors(form, several=None):
    """The forms an error summary lists, those with errors: ``several`` when a page has more than one, else ``form``.

    A page without a form (or a variable that is not one) lists nothing.
    """
    return [each for each in (several or [form]) if isinstance(each, forms.BaseForm) and each.errors]


@register.simple_tag(takes_context=True)
def summary_forms(context):
    """forms_with_errors for the error summary, from its ``form`` or ``forms``, either of which a page may leave out."""
    return forms_with_errors(context.get("form"), context.get("forms"))


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


class _ElementBoundField(forms.BoundField):
    """A field that allauth writes out by hand, under the id allauth gave it rather than one made from its name."""

    def __init__(self, form, field, name, element_id):
        self.element_id = element_id  # before Django's own set-up, which asks for auto_id
        super().__init__(form, field, name)

    @property
    def auto_id(self):
        return self.element_id


ELEMENT_WIDGETS = {
    "textarea": forms.Textarea,
    "checkbox": forms.CheckboxInput,
    "email": forms.EmailInput,
    "password": forms.PasswordInput,
    "number": forms.NumberInput,
}


@register.simple_tag
def element_field(attrs, slots):
    """The field allauth's ``{% element field %}`` describes, as a form field for includes/field.html.

    allauth hands its element a dictionary of attributes (id, name, type,
    value, errors, required, disabled, readonly, rows, autocomplete) and the
    rendered label and hint; building a real bound field from them lets the
    one field template write the markup, so allauth's pages and the portal's
    own forms cannot drift apart.
    """
    kind = attrs.get("type") or "text"
    widget_attrs = {
        name: value
        for name, value in (
            ("rows", attrs.get("rows")),
            ("readonly", bool(attrs.get("readonly"))),
            ("autocomplete", attrs.get("autocomplete")),
        )
        if value
    }
    if kind in ELEMENT_WIDGETS:
        widget = ELEMENT_WIDGETS[kind](attrs=widget_attrs)
    else:
        widget = forms.TextInput(attrs={**widget_attrs, "type": kind})
    if kind == "password":
        widget.render_value = True
    field = (forms.BooleanField if kind == "checkbox" else forms.CharField)(
        label=mark_safe("".join(slots.get("label", [])).strip()),  # noqa: S308 - rendered by allauth's template, escaped there
        help_text=mark_safe("".join(slots.get("help_text", [])).strip()),  # noqa: S308 - as above
        required=bool(attrs.get("required")),
        disabled=bool(attrs.get("disabled")),
        widget=widget,
    )
    name = attrs.get("name") or attrs.get("id") or "field"
    value = attrs.get("checked") if kind == "checkbox" else attrs.get("value")
    if kind == "textarea" and not value:
        value = "".join(slots.get("value", []))
    form = forms.Form(initial={name: value})
    form.fields[name] = field
    form._errors = ErrorDict({name: ErrorList(attrs.get("errors") or [])}) if attrs.get("errors") else ErrorDict()
    return _ElementBoundField(form, field, name, attrs.get("id") or f"id_{name}")
