"""Evidence: where the person stands, whether the journal is intact, the dossier.

Reads the journal and the pieces; never changes them.
"""
