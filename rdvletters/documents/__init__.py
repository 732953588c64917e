"""Documents: profile and journal facts -> template -> document model -> text, DOCX, PDF.

``pipeline`` is the entry point; ``context`` computes the figures a template sees,
``render`` runs the (sandboxed) templates, ``model`` holds the sections, and one
renderer per format turns the model into bytes.
"""
