"""The court: the route to the judge, above documents, evidence and delivery.

Where the person stands (``status``, ``ladder``), whether it is time (``readiness``,
``criteria``, ``demand_criteria``), the law's clock (``deadlines``, made of ``milestone``s;
the registered letter's dates in ``letter_clock``), the requête and what to read before
filing it (``requete``), the numbered pieces (``pieces``) and the dossier (``dossier``).
"""
