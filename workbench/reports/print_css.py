"""Print CSS for the HTML twin: the protective marking on every printed page.

CSS Paged Media's page-margin boxes (``@top-center``, ``@bottom-center``) print the marking
at the top and bottom of every page, with "Page N of M" beside it, in Chrome and Edge (131
onwards), Safari (18.2 onwards) and the HTML-to-PDF engines (WeasyPrint, Prince). The
document's own header and footer markings stay as well, so a browser without margin boxes
still prints the marking on the first and last pages.
"""

from __future__ import annotations


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes, backslashes and line breaks escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    # No line break ends the string, and no "<" can close the <style> element around it.
    escaped = "".join(f"\\{ord(c):x} " if ord(c) < 32 or c in "<>&" else c for c in escaped)
    return f'"{escaped}"'


def print_css(marking: str) -> str:
    mark = css_string(marking)
    box = "font: bold 9pt 'DejaVu Sans', Verdana, Arial, sans-serif; color: #1f3a5f;"
    return f"""
@page {{ size: A4; margin: 2cm 1.6cm;
  @top-center {{ content: {mark}; {box} }}
  @bottom-center {{ content: {mark}; {box} }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font-size: 8pt; }} }}
@media print {{
  body {{ max-width: none; padding: 0; }}
  a {{ color: inherit; text-decoration: none; }}
  thead {{ display: table-header-group; }}
  tr, figure, dl.cover {{ break-inside: avoid; }}
}}
"""
