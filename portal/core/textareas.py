"""A text area's line breaks read as people see them: one character each.

HTML's form submission sends every line break typed in a text area as two
characters, CR LF, while the browser's own limit and the design system's
character count under the box count it as one. Django keeps what was sent, so
a 300-character summary in two paragraphs reached the form as 302 characters
and was refused, though the count under the box said none were left.
``install`` (called when the app loads) has every ``Textarea``, Django's and
its subclasses in Wagtail's admin, read its value with each line break as one
LF: lengths agree with what people saw, and text is stored with one kind of
line break whichever browser sent it.
"""

from django import forms

_MARK = "_portal_line_breaks_as_seen"


def _as_seen(value):
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def install():
    read = forms.Textarea.value_from_datadict
    if getattr(read, _MARK, False):
        return

    def value_from_datadict(self, data, files, name):
        return _as_seen(read(self, data, files, name))

    setattr(value_from_datadict, _MARK, True)
    forms.Textarea.value_from_datadict = value_from_datadict
