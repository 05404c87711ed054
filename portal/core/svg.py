"""Writing SVG by hand, safely: the one helper the server-drawn charts (roadmap, culture) share.

Charts are built as strings, so every attribute value goes through ``escape`` here,
and every text node must be escaped by the caller before it becomes ``content``.
"""

from django.utils.html import escape


def tag(name, attrs, content=""):
    """An element with escaped attribute values; ``content`` must already be safe markup.

    Without content the element closes itself (``<circle .../>``).
    """
    attributes = "".join(f' {key}="{escape(value)}"' for key, value in attrs.items())
    return f"<{name}{attributes}>{content}</{name}>" if content else f"<{name}{attributes}/>"
