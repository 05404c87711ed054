"""One error summary and one field template: every summary link leads to something on the page that takes focus.

The NHS.UK pattern links each problem to the field's first focusable input:
the box itself, the first button of a group of radios or checkboxes, the
first box of a date. These tests follow each link on real pages with errors
and look for the element it names.
"""

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.template import Context, Origin, Template, TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse

from portal.core.templatetags.nhsuk_forms import forms_with_errors
from portal.culture.factories import add_response
from portal.roadmap.factories import MeasureFactory, RoadmapPageFactory
from tests.members.test_forms import signup_data

pytestmark = pytest.mark.django_db

FOCUSABLE = {"input", "select", "textarea"}


def summary_targets(response):
    """Each error-summary link's text and the element its href names, after checking there is one summary."""
    assert response.status_code == 200
    page = BeautifulSoup(response.content.decode(), "html.parser")
    [summary] = page.select(".nhsuk-error-summary")
    links = summary.select("a")
    assert links, "the summary links to no field"
    targets = {}
    for link in links:
        target = page.find(id=link["href"].removeprefix("#"))
        assert target is not None, f"{link['href']} leads nowhere"
        assert target.name in FOCUSABLE, f"{link['href']} is a {target.name}, not something that takes focus"
        targets[" ".join(link.get_text().split())] = target
    return targets


def test_a_culture_topic_page_links_to_the_first_radio_a_text_box_and_the_date_box(
    client, round_, facilitator, dimensions
):
    for level in (2, 3, 3, 4, 4, 5):
        add_response(round_, level)
    client.force_login(facilitator)
    url = reverse("culture:debrief_dimension", args=[round_.pk, dimensions[1].pk])
    data = {"form": "agreed", "agreed-agreed_level": "", "action-what": "Half typed", "action-due_on": "nonsense"}
    targets = summary_targets(client.post(url, data))
    kinds = {(target["id"], target.get("type")) for target in targets.values()}
    assert ("id_agreed-agreed_level_0", "radio") in kinds
    assert ("id_action-owner", "text") in kinds
    assert ("id_action-due_on", "text") in kinds


def test_the_roadmap_baseline_links_to_its_box_and_names_the_field(client, home):
    RoadmapPageFactory(parent=home)
    MeasureFactory(name="Falls in care homes", slug="falls-in-care-homes", data_points=24, baseline_points=12)
    targets = summary_targets(client.get("/roadmap/measures/falls-in-care-homes/", {"baseline": "abc"}))
    [(text, target)] = targets.items()
    assert text.startswith("Number of points in the baseline: Enter a whole number from 2 to 24.")
    assert (target["id"], target["value"]) == ("id_baseline", "abc")


def test_sign_up_links_each_problem_to_its_box(client, kersal):
    data = signup_data(kersal, email="not an email", first_name="", password2="something else")
    targets = summary_targets(client.post("/accounts/signup/", data))
    ids = {target["id"] for target in targets.values()}
    assert {"id_email", "id_first_name"} <= ids


def test_sign_in_links_to_the_email_box(client):
    response = client.post("/accounts/login/", {"login": "", "password": ""})
    ids = {target["id"] for target in summary_targets(response).values()}
    assert "id_login" in ids


def test_there_is_one_error_summary_template():
    get_template("includes/error_summary.html")
    for copy in ("culture/includes/error_summary.html", "roadmap/includes/error_summary.html"):
        with pytest.raises(TemplateDoesNotExist):
            get_template(copy)


def test_the_summary_lists_several_forms_or_one_and_only_those_with_errors():
    class Named(forms.Form):
        name = forms.CharField()

    good, bad, other_bad = Named({"name": "Amina"}), Named({}), Named({})
    assert forms_with_errors(bad) == [bad]
    assert forms_with_errors(good) == []
    assert forms_with_errors("", [good, bad, other_bad]) == [bad, other_bad]
    assert forms_with_errors("") == []


def render_element(source, **context):
    # allauth's element tag needs the template to have a name, as every template from a file has.
    template = Template("{% load allauth %}" + source, origin=Origin("element.html", template_name="element.html"))
    return BeautifulSoup(template.render(Context(context)), "html.parser")


def test_allauths_field_element_is_drawn_by_the_one_field_template():
    class Changing(forms.Form):
        email = forms.EmailField()

    form = Changing({"email": "not <b>an</b> email"})
    form.is_valid()
    page = render_element(
        '{% element field id=form.email.auto_id name="email" value=form.email.value errors=form.email.errors'
        ' type="email" %}'
        "{% slot label %}Change to{% endslot %}{% slot help_text %}We send a link to it.{% endslot %}{% endelement %}",
        form=form,
    )
    group = page.select_one(".nhsuk-form-group.nhsuk-form-group--error")
    box = group.select_one("input#id_email")
    assert (box["type"], box["name"], box["value"]) == ("email", "email", "not <b>an</b> email")
    assert box["class"] == ["nhsuk-input", "nhsuk-input--error"]
    assert box["aria-describedby"] == "id_email_helptext id_email_error"
    assert box["aria-invalid"] == "true"
    assert group.select_one("label[for=id_email]").get_text(strip=True) == "Change to"
    assert group.select_one("#id_email_helptext").get_text(strip=True) == "We send a link to it."
    assert "Enter a valid email address." in group.select_one("#id_email_error").get_text()


def test_allauths_textarea_and_checkbox_elements_keep_their_kind():
    page = render_element(
        '{% element field id="recovery_codes" type="textarea" rows=3 readonly=True %}'
        "{% slot label %}Unused codes{% endslot %}{% slot value %}1234 5678{% endslot %}{% endelement %}"
        '{% element field type="checkbox" id="codes_saved" %}'
        "{% slot label %}I have saved my codes{% endslot %}{% endelement %}"
    )
    codes = page.select_one("textarea#recovery_codes")
    assert codes.get_text(strip=True) == "1234 5678"
    assert codes.has_attr("readonly") and codes["rows"] == "3"
    box = page.select_one("input#codes_saved")
    assert box["type"] == "checkbox" and "nhsuk-checkboxes__input" in box["class"]
    assert page.select_one("label[for=codes_saved]").get_text(strip=True) == "I have saved my codes"
