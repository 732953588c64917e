"""The profile as a guided form, one section at a time, then « Vérification ».

The questions (``profile_questions``) are those of the commented ``templates/profil.yaml``.
Saving writes only the fields that changed into ``profil.yaml`` (``profile_edit``:
comments and order kept, still editable by hand); errors come from ``profile_load.validate``,
the validation of ``check``, and are shown next to their field with a summary at the
top. A profile may be saved incomplete, as a person saves a half-filled file: it is
checked, not refused, and a section's « N à revoir » shows only once the person has
been there or has asked for « Vérification ». A date whose parts do not make a date is
refused before anything is written, and shown again as typed.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, redirect, request, session, url_for

from ..errors import InputError
from ..fsutil import private_dir, write_unique
from ..i18n import _
from ..profile_edit import Key, Value, digest, read_values, update_profile
from ..profile_load import validate
from ..proofnames import ascii_slug
from ..validation import InvalidData, Problem
from ..yamlload import load_yaml
from .common import bp, get_case, page
from .forms import FieldError, FormErrors, date_parts, read_date, split_date
from .profile_questions import BY_ID, BY_NAME, CHECK, FIELDS, SECTIONS, Field, Section
from .uploads import check_uploads

URGENCY = ("demande", "urgence")
EXTRA_FACT_ROWS = 2


def _field_of(problem: Problem) -> Field | None:
    """The question a validation error is about (the longest key that prefixes its path)."""
    matches = [f for f in FIELDS if tuple(problem.loc[: len(f.key)]) == f.key]
    return max(matches, key=lambda f: len(f.key), default=None)


def _section_of(problem: Problem) -> str | None:
    field = _field_of(problem)
    if field is not None:
        return next(s.id for s in SECTIONS if field in s.fields)
    head = problem.loc[:1]
    return next((s.id for s in SECTIONS if any(f.key[:1] == head for f in s.fields)), None)


def field_id(field: Field) -> str:
    """The id of the field's input (the first of a date's three, the first radio)."""
    if field.kind == "date":
        return f"f-{field.name}-day"
    if field.kind == "facts":
        return "f-urgence-0-fait"
    return f"f-{field.name}"


def field_link(case_id: str, key: str) -> tuple[str, str] | None:
    """(the question, its URL) for a profile key named in a message (``wording.plain``)."""
    field = BY_NAME.get(key)
    if field is None:
        return None
    section = next(s.id for s in SECTIONS if field in s.fields)
    url = url_for("web.profile", case_id=case_id, section=section) + "#" + field_id(field)
    return _(field.label), url


def _shown(field: Field, value: Value) -> Any:
    """The value as the form shows it: lines one per row, oui/non for yes-no questions,
    a date as its three parts."""
    if field.kind == "date":
        return split_date(value)
    if value is None:
        return field.default or ""
    if field.kind == "lines":
        return "\n".join(value) if isinstance(value, list) else str(value)
    if field.kind == "yesno" and isinstance(value, str):
        word = value.strip().lower()
        return "oui" if word in ("oui", "yes", "true", "vrai") else "non" if word else ""
    return value


def _facts(data: object) -> list[dict[str, str]]:
    """The urgency facts as written: each with its file and label when it has them."""
    found = read_values(data, [URGENCY])
    raw = data.get("demande", {}).get("urgence") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return [{"fait": str(f)} for f in (found.get(URGENCY) or [])]
    facts = []
    for item in raw:
        if isinstance(item, dict):
            facts.append({k: str(v) for k, v in item.items() if v not in (None, "")})
        elif item not in (None, ""):
            facts.append({"fait": str(item)})
    return facts


def _posted_facts(case, old: list[dict[str, str]]) -> tuple[list[Any], list[FieldError]]:
    """The facts of the form: each text, its file kept, or a new file stored in
    ``pieces/`` (where the README tells a person to put it) under a name of ours."""
    facts, errors = [], []
    rows = request.form.get("urgence-rows", "")
    for i in range(min(int(rows), 50)):
        text = request.form.get(f"urgence-{i}-fait", "").strip()
        upload = request.files.get(f"urgence-{i}-file")
        fact = dict(old[i]) if i < len(old) else {}
        if not text:
            continue
        fact["fait"] = text
        if upload and upload.filename:
            checked, problems = check_uploads([upload])
            if problems:
                errors += [FieldError(f"f-urgence-{i}-file", p) for p in problems]
                continue
            suffix, name, data = checked[0]
            target = write_unique(
                private_dir(case.pieces), f"urgence_{ascii_slug(text, 40)}", suffix, data, []
            )
            fact["justificatif"] = target.relative_to(case.root).as_posix()
        facts.append(fact if set(fact) != {"fait"} else text)
    return facts, errors


def _posted(field: Field) -> Value:
    raw = request.form.get(field.name, "")
    if field.kind == "date":
        parts = date_parts(request.form, f"f-{field.name}")
        day = read_date(parts, f"f-{field.name}", _(field.label), required=False)
        return day.isoformat() if day else ""
    if field.kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    return raw.strip()


def _hidden_by_answer(field: Field, answers: dict[Key, Value]) -> bool:
    """A question that depends on another answer, and that answer is not given."""
    return field.reveal is not None and answers.get(field.reveal[0]) != field.reveal[1]


def _changes(case, section: Section, data) -> tuple[dict[Key, Value], list[FieldError]]:
    """The fields whose posted value differs from the file (absent and left at its
    default counts as unchanged: the file keeps its commented example)."""
    current = read_values(data, [f.key for f in section.fields])
    changes: dict[Key, Value] = {}
    errors: list[FieldError] = []
    posted: dict[Key, Value] = {}
    for field in section.fields:
        if field.kind == "facts":
            continue
        try:
            posted[field.key] = _posted(field)
        except FormErrors as found:
            errors += found.errors
    answers = {**current, **posted}
    for field in section.fields:
        if field.kind == "facts":
            if not re.fullmatch(r"[0-9]{1,2}", request.form.get("urgence-rows", "")):
                continue  # not in the form that was posted: left as it is
            old = _facts(data)
            new, problems = _posted_facts(case, old)
            errors += problems
            plain_old = [f["fait"] if set(f) == {"fait"} else f for f in old]
            if new != plain_old:
                changes[field.key] = new
            continue
        if field.key not in posted or _hidden_by_answer(field, answers):
            continue
        new, old = posted[field.key], current.get(field.key)
        if old is None:
            same = new in ("", [], field.default)
        elif field.kind == "lines":
            same = new == (old if isinstance(old, list) else [old] if old else [])
        elif field.kind == "yesno":
            same = new == _shown(field, old)
        else:
            same = new == old
        if not same:
            changes[field.key] = new
    return changes, errors


def _read(case):
    """(raw data, problems, warnings, read error) of the case's profile file."""
    try:
        located = load_yaml(case.profile_path)
    except InputError as error:
        return None, [], [], error
    try:
        warnings = validate(located, case.profile_path).warnings
        problems: list[Problem] = []
    except InvalidData as error:
        warnings, problems = [], error.problems
    return located.data, problems, warnings, None


def _visited(case_id: str, add: list[str] | None = None) -> set[str]:
    """The sections this person has opened (kept in the signed session cookie)."""
    key = f"visited:{case_id}"
    seen = set(session.get(key, []))
    if add and not set(add) <= seen:
        seen |= set(add)
        session[key] = sorted(seen)
    return seen


def _answers(case_id: str, values: dict[str, Any], facts: list[dict[str, str]]):
    """« Vérification »: each section's questions with the answer given and « Modifier »."""
    rows = []
    for section in SECTIONS:
        items = []
        for f in section.fields:
            if f.reveal and values.get(".".join(f.reveal[0])) != f.reveal[1]:
                continue
            url = url_for("web.profile", case_id=case_id, section=section.id) + "#" + field_id(f)
            items.append((f, facts if f.kind == "facts" else values.get(f.name), url))
        rows.append((section, items))
    return rows


@bp.route("/c/<case_id>/profile/")
@bp.route("/c/<case_id>/profile/<section>", methods=["GET", "POST"])
def profile(case_id: str, section: str = "situation"):
    case = get_case(case_id)
    if section != CHECK and section not in BY_ID:
        abort(404)
    if not case.profile_path.exists():
        return redirect(url_for("web.case_home", case_id=case_id))
    data, problems, warnings, broken = _read(case)
    typed: dict[str, Any] = {}
    form_errors: list[FieldError] = []
    if request.method == "POST" and broken is None and section in BY_ID:
        changes, form_errors = _changes(case, BY_ID[section], data)
        if not form_errors:
            update_profile(case.profile_path, changes, request.form.get("version"))
            data, problems, warnings, broken = _read(case)
            if any(_section_of(p) == section for p in problems):
                target = url_for("web.profile", case_id=case_id, section=section, checked=1)
            else:
                ids = [s.id for s in SECTIONS] + [CHECK]
                target = url_for(
                    "web.profile", case_id=case_id, section=ids[ids.index(section) + 1]
                )
            return redirect(target, code=303)
        for field in BY_ID[section].fields:  # shown again as typed, nothing written
            if field.kind == "date":
                typed[field.name] = date_parts(request.form, f"f-{field.name}")
            elif field.kind != "facts":
                typed[field.name] = request.form.get(field.name, "")
    visited = _visited(case_id, [s.id for s in SECTIONS] if section == CHECK else [section])
    values = read_values(data, [f.key for f in FIELDS]) if data is not None else {}
    shown = {f.name: _shown(f, values.get(f.key)) for f in FIELDS}
    shown.update(typed)
    show_errors = section == CHECK or request.args.get("checked") == "1"
    errors = list(form_errors)
    by_field: dict[str, list[str]] = {}
    summary: list[FieldError] = []
    for problem in problems:
        field, sec = _field_of(problem), _section_of(problem)
        by_field.setdefault(field.name if field else sec or "", []).append(problem.message)
        label = _(field.label) if field else problem.field
        message = _("{label} : {message}").format(label=label, message=problem.message)
        url = None
        if sec:
            url = url_for("web.profile", case_id=case_id, section=sec, checked=1)
            url += "#" + field_id(field) if field else ""
        if section == CHECK:
            summary.append(FieldError("", message, url=url))
        elif show_errors and sec == section and not form_errors:
            summary.append(FieldError(field_id(field) if field else "", message))
    ids = [s.id for s in SECTIONS] + [CHECK]
    back = ids[ids.index(section) - 1] if ids.index(section) > 0 else None
    facts = _facts(data) if data is not None else []
    return page(
        "profile.html",
        case_id,
        sections=SECTIONS,
        section=BY_ID.get(section),
        check=section == CHECK,
        back=back,
        values=shown,
        facts=facts,
        fact_rows=len(facts) + EXTRA_FACT_ROWS,
        field_errors=by_field if show_errors and not form_errors else {},
        errors=errors + summary,
        answers=_answers(case_id, shown, facts) if section == CHECK else [],
        counts={
            s.id: sum(1 for p in problems if _section_of(p) == s.id)
            for s in SECTIONS
            if s.id in visited
        },
        warnings=warnings,
        broken=broken,
        version=digest(case.profile_path),
    ), (400 if form_errors else 200)
