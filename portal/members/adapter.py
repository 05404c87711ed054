"""How allauth fits the portal: where people land after signing in, and who counts as one client.

https://docs.allauth.org/en/latest/account/advanced.html#custom-redirects
"""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from portal.core.access import is_member
from portal.core.client_ip import client_ip
from portal.core.links import rebased

from .models import MemberProfile


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": "The email address or password is not right. Check them and try again.",
        "too_many_login_attempts": "Too many failed attempts to sign in. Wait 5 minutes, then try again, "
        "or ask for a sign-in code by email.",
        "email_taken": "An account already uses this email address. Sign in instead.",
    }

    def get_login_redirect_url(self, request):
        """Someone still waiting for approval (or declined) is shown where they stand."""
        user = request.user
        if not is_member(user) and MemberProfile.objects.filter(user=user).exists():
            return reverse("members:profile")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix, email, context):
        """allauth builds its links from the request's host; emails link to the public address instead."""
        context = {key: rebased(value) for key, value in context.items()}
        return super().send_mail(template_prefix, email, context)

    def get_client_ip(self, request):
        """Every allauth throttle counts per client by this address: the visitor's, even behind nginx."""
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Count failed sign-ins per account *and* client, not per account alone.

        Per account alone, anyone could lock the programme team out by typing
        their addresses with wrong passwords five times every five minutes.
        allauth keys its ``login_failed`` limit ("5/5m/key") and clears it
        after a password reset with this one method, so both follow.
        """
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_ip(request)}"
