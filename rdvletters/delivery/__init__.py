"""Delivery: the e-mail leaving the machine (.eml drafts, mailto: links, SMTP).

Nothing here runs unless the user asks for it.
"""
