"""The web front end: the same library as the CLI, in a browser on the person's machine.

``app`` builds the Flask application (security, language, pages); ``server``
runs it with waitress on 127.0.0.1. Routes only read the form, call the library
(``Case``, ``documents.pipeline``, ``evidence``…) and show the result: no figure
is computed here. Imported only by ``rdvletters web``: the CLI's other commands
never load Flask.
"""
