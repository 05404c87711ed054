"""StreamField blocks for page bodies.

The NHS.UK design system's own blocks come from wagtail-nhsuk-frontend; we add
only what it lacks: a heading block, an image block whose alt text is required,
and a results table for case studies.
"""

from wagtail import blocks
from wagtailnhsukfrontend import blocks as nhsuk_blocks


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        help_text = "A section heading. Keep it short; it appears in the page's outline for screen readers."


class ImageBlock(nhsuk_blocks.ImageBlock):
    """The NHS.UK image block, but alt text may not be left empty, and drawn as responsive renditions.

    wagtail-nhsuk-frontend's own template makes seven renditions in the
    original format without width or height; ours gives AVIF and WebP with a
    JPEG fallback at three widths, width and height set, loaded lazily.
    """

    alt_text = blocks.CharBlock(
        required=True,
        help_text="Describe what the image shows for someone who cannot see it.",
    )

    class Meta:
        template = "blocks/image_block.html"


class ResultFigureBlock(blocks.StructBlock):
    label = blocks.CharBlock(help_text="What was measured, for example 'Falls per 1,000 occupied bed days'.")
    before = blocks.CharBlock(required=False, help_text="The figure before the change, with its unit.")
    after = blocks.CharBlock(required=False, help_text="The figure after the change, with its unit.")

    class Meta:
        icon = "table"


class ResultFiguresBlock(blocks.ListBlock):
    """Before-and-after figures shown as a table under 'Results'."""

    def __init__(self, **kwargs):
        super().__init__(ResultFigureBlock(), **kwargs)

    class Meta:
        template = "blocks/result_figures_block.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3"],
        help_text="Ordinary text. Use headings rather than bold for new sections.",
    )
    image = ImageBlock()
    inset_text = nhsuk_blocks.InsetTextBlock()
    warning_callout = nhsuk_blocks.WarningCalloutBlock()
    action_link = nhsuk_blocks.ActionLinkBlock()
    details = nhsuk_blocks.DetailsBlock()
    do_list = nhsuk_blocks.DoBlock()
    dont_list = nhsuk_blocks.DontBlock()
    table = nhsuk_blocks.TableBlock()

    class Meta:
        block_counts = {}
