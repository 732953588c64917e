"""Proofs: the journal checked and timestamped, captures, the dates proof files carry."""
