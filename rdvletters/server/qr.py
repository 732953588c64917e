"""QR codes as inline SVG (segno): the page's CSP allows no external resource."""

from __future__ import annotations

import io

from markupsafe import Markup, escape


def qr_svg(data: str, title: str) -> Markup:
    """An ``<svg>`` element, accessible by its title, to put in the page as is."""
    import segno

    buffer = io.BytesIO()
    segno.make(data, error="m").save(
        buffer,
        kind="svg",
        scale=6,
        border=4,
        xmldecl=False,
        svgns=True,
        title=title,
        svgclass="qr",
        lineclass=None,
        dark="#000",
        light="#fff",
    )
    svg = buffer.getvalue().decode("utf-8")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
    return Markup(svg)  # noqa: S704 - segno's own output; the title is escaped by segno
