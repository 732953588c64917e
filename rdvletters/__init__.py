"""rdvletters: written steps and evidence for a préfecture appointment.

The package is a library; ``rdvletters.cli`` is a thin command-line layer over it.
Importing the package stays cheap: heavy modules (Jinja, reportlab) load only
when a command needs them.
"""

__version__ = "0.1.0"
