"""The one error summary and field template every form on the public site uses."""

import pytest
from django import forms
from django.template.loader import render_to_string


class EveryKindOfField(forms.Form):
    name = forms.CharField(label="Your name", error_messages={"required": "Enter your name"})
    colour = forms.ChoiceField(
        label="Colour", choices=[("", "Choose"), ("red", "Red")], error_messages={"required": "Choose a colour"}
    )
    level = forms.ChoiceField(
        label="Level",
        choices=[("1", "One"), ("2", "Two")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a level"},
    )
    settings = forms.MultipleChoiceField(
        label="Care settings",
        choices=[("a", "A"), ("b", "B")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one care setting"},
    )
    token = forms.UUIDField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Something about the whole form")


def test_each_error_links_to_its_field_or_the_first_box_of_its_group():
    form = EveryKindOfField(data={"token": "not-a-uuid"})
    assert not form.is_valid()
    html = render_to_string("includes/error_summary.html", {"form": form})
    assert 'data-module="nhsuk-error-summary"' in html
    assert '<li><a href="#id_name">Enter your name</a></li>' in html
    assert '<li><a href="#id_colour">Choose a colour</a></li>' in html
    assert '<li><a href="#id_level_0">Choose a level</a></li>' in html
    assert '<li><a href="#id_settings_0">Choose at least one care setting</a></li>' in html
    assert "<li>Something about the whole form</li>" in html
    assert "<li>Enter a valid UUID.</li>" in html  # a hidden field has nowhere to link to


def test_the_field_template_puts_the_error_by_the_field_and_links_them():
    form = EveryKindOfField(data={})
    form.is_valid()
    name = render_to_string("includes/field.html", {"field": form["name"]})
    assert '<span class="nhsuk-u-visually-hidden">Error:</span> Enter your name</span>' in name
    assert 'aria-describedby="id_name_error"' in name and 'aria-invalid="true"' in name
    settings = render_to_string("includes/field.html", {"field": form["settings"]})
    assert '<fieldset class="nhsuk-fieldset" aria-describedby="id_settings_error">' in settings
    assert 'id="id_settings_0"' in settings
    assert render_to_string("includes/error_summary.html", {"form": EveryKindOfField()}).strip() == ""


class _TemplateSelect(forms.Select):
    """Not exactly ``forms.Select``, so drawn by Django's own widget templates."""


def _pair(widget_class):
    class Choosing(forms.Form):
        food = forms.ChoiceField(
            label="Food",
            help_text="Pick one",
            widget=widget_class(attrs={"data-x": 'a"b', "hidden": False, "autofocus": True}),
            choices=[
                ("", "Any"),
                ("Fruit", [("apple", "Apple & <pear>"), ("kiwi", "Kiwi")]),
                ("tea", "Tea 'n' \"cake\""),
            ],
        )

    return Choosing


@pytest.mark.parametrize("data", [{}, {"food": "kiwi"}, {"food": "nothing"}], ids=["unbound", "chosen", "invalid"])
def test_a_select_is_drawn_exactly_as_djangos_templates_draw_it(data):
    from portal.core.templatetags.nhsuk_forms import nhsuk_widget

    plain, templated = _pair(forms.Select)(data or None), _pair(_TemplateSelect)(data or None)
    if data:
        plain.is_valid(), templated.is_valid()
    drawn = nhsuk_widget(plain["food"])
    assert drawn == nhsuk_widget(templated["food"])
    assert "&amp; &lt;pear&gt;" in drawn and 'data-x="a&quot;b"' in drawn and "hidden" not in drawn
