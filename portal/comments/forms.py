"""The two forms members fill in: a comment, and a report of someone else's comment."""

from django import forms

from portal.core.forms import readable_length_limits

from .models import MAX_COMMENT_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        help_text="Plain text. Your name and organisation are shown with your comment; your email address is not.",
        max_length=MAX_COMMENT_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter your comment",
            "max_length": f"Your comment must be {MAX_COMMENT_LENGTH:,} characters or fewer (it has %(show_value)s)",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Let people paste a long text and see the message, rather than the
        # browser silently cutting it off at the limit.
        self.fields["body"].widget.attrs.pop("maxlength", None)
        readable_length_limits(self)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with this comment? (optional)",
        help_text="For example, it names a resident or is unkind. Only the programme team will see this.",
        required=False,
        max_length=500,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": "Keep your reason to %(limit_value)s characters or fewer (it has %(show_value)s)",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs.pop("maxlength", None)
        readable_length_limits(self)
