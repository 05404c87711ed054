"""One report type for both outboxes: what a run of the email sender or the search index sender did."""

from portal.core.outbox import SendReport
from portal.mail import sending
from search.elasticsearch import indexing


def test_both_outboxes_report_with_the_one_type():
    assert sending.SendReport is SendReport and indexing.SendReport is SendReport


def test_a_report_gives_its_counts_and_its_first_five_errors():
    report = SendReport(sent=3, failed=6, errors=[f"error {n}" for n in range(6)])
    assert report.as_dict() == {"sent": 3, "failed": 6, "errors": [f"error {n}" for n in range(5)]}
