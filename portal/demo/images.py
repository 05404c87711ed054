"""Illustrations for the demo site, drawn locally with Pillow (nothing downloaded)."""

import io
import math

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1200, 630


def _hex(colour):
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _lighter(rgb, amount):
    return tuple(int(c + (255 - c) * amount) for c in rgb)


def _chart(draw, fg):
    heights = [420, 380, 400, 330, 300, 260, 240, 210]
    for i, h in enumerate(heights):
        x = 180 + i * 110
        draw.rectangle([x, h, x + 70, 540], fill=fg)
    draw.line([(150, 540), (1050, 540)], fill=fg, width=6)


def _people(draw, fg):
    for i in range(4):
        cx = 300 + i * 200
        draw.ellipse([cx - 45, 170, cx + 45, 260], fill=fg)
        draw.rounded_rectangle([cx - 70, 280, cx + 70, 500], radius=50, fill=fg)


def _home(draw, fg):
    draw.polygon([(600, 110), (330, 330), (870, 330)], fill=fg)
    draw.rectangle([390, 330, 810, 540], fill=fg)


def _pills(draw, fg):
    for i in range(5):
        x = 230 + i * 160
        draw.rounded_rectangle([x, 220 + (i % 2) * 80, x + 110, 330 + (i % 2) * 80], radius=55, fill=fg)


def _clock(draw, fg):
    draw.ellipse([400, 115, 800, 515], outline=fg, width=24)
    draw.line([(600, 315), (600, 185)], fill=fg, width=20)
    draw.line([(600, 315), (700, 370)], fill=fg, width=20)


def _heart(draw, fg):
    points = []
    for step in range(0, 360, 4):
        t = math.radians(step)
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        points.append((600 + x * 14, 300 - y * 14))
    draw.polygon(points, fill=fg)


MOTIFS = {"chart": _chart, "people": _people, "home": _home, "pills": _pills, "clock": _clock, "heart": _heart}


def illustration_png(motif, colour):
    """A 1200x630 PNG: a simple motif in white on a tint of ``colour``."""
    base = _hex(colour)
    image = Image.new("RGB", (WIDTH, HEIGHT), _lighter(base, 0.85))
    draw = ImageDraw.Draw(image)
    MOTIFS.get(motif, _chart)(draw, base)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
