"""Reminders: the week's plan, its calendar, the notifications that carry it.

A layer above ``court/`` (it reads the deadlines, the ladder and the readiness
check) and below the front ends: ``slots.py`` (when to try), ``plan.py`` (the
week's plan and what follows), ``agenda.py`` (the same as iCalendar events),
``feed.py`` (the calendar link's token and the case's calendar id), ``push.py``
(a reminder sent by Web Push).
"""
