"""What one run of an outbox sender did: the email outbox (``portal.mail.sending``) and the
search index outbox (``search.elasticsearch.indexing``) both report with this."""

from dataclasses import dataclass, field


@dataclass
class SendReport:
    """How many rows went, how many failed (they stay waiting), and the first errors."""

    sent: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self):
        """For a task's result: the counts and at most five errors."""
        return {"sent": self.sent, "failed": self.failed, "errors": self.errors[:5]}
