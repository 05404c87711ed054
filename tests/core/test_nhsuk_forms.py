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


def _every_input(base):
    """A form with one field of each widget drawn in Python, each widget ``base`` of its kind or a subclass."""

    def widget(kind, **attrs):
        drawn = kind if base else type(f"Templated{kind.__name__}", (kind,), {})
        return drawn(attrs={"data-x": 'a"b', "hidden": False, "autofocus": True, **attrs})

    class Everything(forms.Form):
        title = forms.CharField(label="Title", help_text="Short", widget=widget(forms.TextInput), max_length=10)
        email = forms.EmailField(label="Email", widget=widget(forms.EmailInput), required=False)
        website = forms.URLField(label="Website", widget=widget(forms.URLInput), required=False, assume_scheme="https")
        count = forms.IntegerField(label="How many", widget=widget(forms.NumberInput), min_value=1)
        secret = forms.CharField(label="Password", widget=widget(forms.PasswordInput))
        when = forms.DateField(label="When", widget=widget(forms.DateInput, type="date"), required=False)
        body = forms.CharField(label="Body", widget=widget(forms.Textarea, rows=5))

    return Everything


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"title": 'Tea & "cake" <b>', "email": "x@example.org", "count": "3", "secret": "s", "body": "a\n<b>&c"},
        {"title": "far too long a title", "email": "not an address", "count": "zero", "when": "someday", "body": ""},
    ],
    ids=["unbound", "valid", "invalid"],
)
def test_inputs_and_textareas_are_drawn_exactly_as_djangos_templates_draw_them(data):
    from portal.core.templatetags.nhsuk_forms import nhsuk_widget

    initial = {"title": "Kept <title>", "when": "2026-12-06", "count": 2}
    plain, templated = _every_input(True)(data, initial=initial), _every_input(False)(data, initial=initial)
    if data:
        plain.is_valid(), templated.is_valid()
    for name in plain.fields:
        assert nhsuk_widget(plain[name]) == nhsuk_widget(templated[name]), name
    if data and data["title"].startswith("Tea"):
        assert 'value="Tea &amp; &quot;cake&quot; &lt;b&gt;"' in nhsuk_widget(plain["title"])
        assert ">\na\n&lt;b&gt;&amp;c</textarea>" in nhsuk_widget(plain["body"])


class LongText(forms.Form):
    summary = forms.CharField(label="Summary", max_length=300, widget=forms.Textarea)
    title = forms.CharField(label="Title", max_length=255)
    first_name = forms.CharField(label="First name", max_length=150)
    body = forms.CharField(label="Your comment", max_length=2000, widget=forms.Textarea)


def test_a_long_text_has_the_design_systems_character_count_and_no_maxlength_to_cut_a_paste_short():
    """A phone review: 440 characters pasted into Summary kept 300, cut mid-word, without a word said."""
    html = render_to_string("includes/fields.html", {"form": LongText(auto_id="id_%s")})
    summary = html[html.index('id="id_summary"') - 200 : html.index('id="id_summary-info"') + 120]
    assert 'data-module="nhsuk-character-count" data-maxlength="300"' in summary
    assert "nhsuk-js-character-count" in summary
    assert 'aria-describedby="id_summary-info"' in summary
    assert "You can enter up to 300 characters" in summary
    for name in ("summary", "title", "body"):
        box = html[html.index(f'name="{name}"') :].split(">", 1)[0]
        assert "maxlength" not in box
    assert 'data-maxlength="255"' in html  # a title can be long enough to reach its limit
    assert 'data-maxlength="150"' not in html  # a name's limit is not worth counting
    assert "You can enter up to 2,000 characters" in html


def test_a_long_text_drawn_outside_the_field_template_points_at_no_missing_count_message():
    """The culture answer form draws its text areas itself: the Nu HTML Checker found them pointing at
    "-info" messages that only templates/includes/field.html draws."""
    from django.template import Context, Template

    form = LongText(auto_id="id_%s")
    html = Template("{% load nhsuk_forms %}{{ field|nhsuk_widget }}").render(Context({"field": form["summary"]}))
    assert "-info" not in html
    assert 'maxlength="300"' in html  # without the count, the browser's own limit stays
