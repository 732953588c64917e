"""The dossier: numbered pieces, each a stamped PDF, the chronology, the inventory."""
