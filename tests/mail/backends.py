"""An email backend whose server answers and then refuses, for the tests of a failing mail server.

The "server is not there at all" case needs no stand-in: the tests point
Django's own SMTP backend at a closed port, which the operating system refuses.
"""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
