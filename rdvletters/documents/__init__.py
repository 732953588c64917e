"""Documents: profile and journal facts -> template -> document model -> text, DOCX, PDF.

``pipeline`` is the entry point; ``context`` computes the figures a template sees,
``render`` runs the (sandboxed) templates, ``model`` holds the sections, and one
renderer per format turns the model into bytes.

What other layers may use without reaching inside: the document model and the text of
an e-mail's body (``delivery`` sends them). Both are light: no Jinja, no python-docx.
"""

from .model import Document
from .text_out import email_body

__all__ = ["Document", "email_body"]
