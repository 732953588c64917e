"""Evidence: where the person stands (status, the référé check, the log), the dossier
(``dossier/``) and the proofs (``proofs/``: the journal checked and timestamped, captures,
the dates proof files carry).

Status, log and dossier read the journal and the pieces and never change them; a proof
only adds (a capture or a timestamp is a new entry, never an edit).
"""
