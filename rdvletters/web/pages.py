"""Pages: the list of cases, a new case, a case's home, « where do I stand », proofs."""

from __future__ import annotations

import re
import threading

from flask import abort, current_app, g, jsonify, make_response, redirect, request, url_for

from .. import i18n
from ..case import Case
from ..caseload import select, summaries
from ..court.status import compute_status
from ..errors import RdvError
from ..evidence.proofs.verify import verify
from ..facts import Facts
from ..frdates import now_paris
from ..i18n import N_, _, ngettext
from ..profile_edit import update_profile
from .app import LANG_COOKIE
from .cases import SINGLE_ID
from .chart import weekly_chart
from .common import bp, case_file, get_case, page, registry, send_case_file
from .forms import FieldError
from .week import week_view

SORT_KEYS = {
    "name": lambda r: (r.name or "").lower(),
    "route": lambda r: r.route or "",
    "first": lambda r: r.first_attempt.isoformat() if r.first_attempt else "9999",
    "weeks": lambda r: r.weeks_with_proof,
    "since": lambda r: (
        r.days_since_last_attempt if r.days_since_last_attempt is not None else 10**6
    ),
    "expiry": lambda r: r.days_until_expiry if r.days_until_expiry is not None else 10**6,
}
PAGE_SIZE = 50
NEXT_KINDS = {
    "record": N_("Noter des démarches"),
    "email": N_("Envoyer le courriel"),
    "sent": N_("Noter un envoi"),
    "letter": N_("Lettre recommandée"),
    "ar": N_("Avis de réception"),
    "referral": N_("Défenseur des droits"),
    "lawyer": N_("Permanence juridique ou avocat"),
    "profile": N_("Profil à compléter"),
}
_LOCAL_PATH = re.compile(r"^/(?!/)[A-Za-z0-9/_.\-]*$")
_RENEWING = threading.Lock()  # two first pages of a day at once start one preparation


def caseload_page(errors=(), typed: dict[str, str] | None = None):
    """The caseload: search, filters, one page of rows, the form to open a case."""
    args = request.args
    filters = {
        "query": args.get("q", "").strip(),
        "route": args.get("route", "") if args.get("route") in ("rdv", "anef") else "",
        "next_kind": args.get("next", "") if args.get("next") in NEXT_KINDS else "",
        "soon": args.get("soon") == "1",
        "archived": args.get("archived") == "1",
    }
    reg = registry()
    preparation = current_preparation()
    if preparation is not None and not preparation.settle():
        return page("cases.html", preparing=preparing(preparation), errors=list(errors),
                    typed=typed or {}, filters=filters)  # fmt: skip
    every = summaries(reg.root, reg.folders(), now_paris(), g.lang)
    rows = select(every, **filters)
    key = args.get("sort", "name") if args.get("sort") in SORT_KEYS else "name"
    desc = args.get("desc") == "1"
    rows.sort(key=lambda item: SORT_KEYS[key](item[1]), reverse=desc)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    number = min(max(args.get("page", 1, type=int) or 1, 1), pages)
    shown = rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    kept = {k: v for k, v in args.items() if k not in ("page",) and v}
    return page(
        "cases.html",
        rows=[(cid, summary) for cid, summary, _archived in shown],
        total=len(rows),
        archived_count=sum(1 for *_, a in every if a),
        sort=key,
        desc=desc,
        filters=filters,
        next_kinds=NEXT_KINDS,
        page_number=number,
        pages=pages,
        args=kept,
        errors=list(errors),
        typed=typed or {},
    )


@bp.route("/")
def home():
    if not registry().many:
        return redirect(url_for("web.case_home", case_id=SINGLE_ID))
    return caseload_page()


def current_preparation():
    """The caseload's preparation (``rdvletters web --cases``), renewed by the first page
    of each new day: left running for weeks, the app reads each day's rows made ahead."""
    with _RENEWING:
        preparation = current_app.config.get("RDV_PREPARATION")
        if preparation is not None:
            preparation = preparation.renewed(now_paris())
            current_app.config["RDV_PREPARATION"] = preparation
        return preparation


def preparing(preparation) -> dict:
    """How far the first reading of the caseload is, as the page and its script say it."""
    done, total, ready = preparation.done, preparation.total, preparation.listed
    said = ngettext(
        "{done} dossier sur {total} lu…", "{done} dossiers sur {total} lus…", done
    ).format(done=done, total=total)
    if ready:
        said = _("La liste des dossiers est prête : actualisez la page pour l'afficher.")
    return {"ready": ready, "done": done, "total": total, "said": said}


@bp.route("/preparation")
def preparation_state():
    """The caseload page's script asks here, while the list is being prepared, how far
    it is; it shows the list once ``ready``."""
    preparation = current_preparation()
    if preparation is None:
        abort(404)
    response = jsonify(preparing(preparation))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/langue/<code>")
def language(code: str):
    """Remember the language chosen in the page, then go back where the person was."""
    if code not in i18n.available():
        abort(404)
    target = request.args.get("next", "/")
    target = target if _LOCAL_PATH.match(target) else "/"
    # ``next`` is the page's path inside the app; the local app lives under its run's
    # secret path (``server.start``), which the browser's Location must carry
    response = make_response(redirect(request.script_root + target))
    response.set_cookie(LANG_COOKIE, code, httponly=True, samesite="Strict", path="/")
    return response


@bp.route("/nouveau", methods=["POST"])
def new_case():
    """A volunteer opens a case: a folder named after the person, the commented profile
    (as ``rdvletters init``), the names already written in it. A name left out is asked
    for again, with what was typed kept."""
    if not registry().many:
        abort(404)
    nom = request.form.get("nom", "").strip()
    prenom = request.form.get("prenom", "").strip()
    errors = []
    if not nom:
        errors.append(FieldError("nom", _("Nom de famille : indiquez le nom de la personne.")))
    if not prenom:
        errors.append(FieldError("prenom", _("Prénom(s) : indiquez le prénom de la personne.")))
    if errors:
        return caseload_page(errors, {"nom": nom, "prenom": prenom}), 400
    case_id, folder = registry().new_folder(f"{nom.upper()}_{prenom}")
    case = Case(folder)
    case.init()
    update_profile(case.profile_path, {("demandeur", "nom"): nom, ("demandeur", "prenom"): prenom})
    return redirect(url_for("web.profile", case_id=case_id, section="situation"), code=303)


@bp.route("/c/<case_id>/")
def case_home(case_id: str):
    case = get_case(case_id)
    if not case.profile_path.exists():
        return page("no_profile.html", case_id, folder=str(case.root))
    try:
        case.load()
    except RdvError:
        return redirect(url_for("web.profile", case_id=case_id, section="situation"))
    return redirect(url_for("web.status", case_id=case_id))


@bp.route("/c/<case_id>/init", methods=["POST"])
def init_case(case_id: str):
    """``rdvletters init`` for the folder the app was started in."""
    case = get_case(case_id)
    case.init()
    return redirect(url_for("web.profile", case_id=case_id, section="situation"), code=303)


@bp.route("/c/<case_id>/status")
def status(case_id: str):
    """« Where do I stand »: the figures of ``status``, the chart, the latest steps."""
    case = get_case(case_id)
    loaded = case.load()
    profile = loaded.profile
    state = case.journal.read()
    facts = Facts.from_journal(state)
    report = verify(case)
    now = now_paris()
    result = compute_status(profile, facts, now, case.root, report, state=state)
    return page(
        "status.html",
        case_id,
        status=result,
        report=report,
        chart=weekly_chart(result.weeks, result.per_week),
        steps=list(reversed(facts.steps))[:12],
        today=now.date(),
        week=week_view(case),
    )


@bp.route("/c/<case_id>/piece/<int:number>/<int:index>")
def piece(case_id: str, number: int, index: int):
    """Proof file ``index`` of journal entry ``number``: looked up in the journal, and
    served only from the case's ``pieces/`` or ``documents/``."""
    case = get_case(case_id)
    entry = case.journal.read().by_number(number)
    pieces = entry.data.get("pieces", []) if entry else []
    if not 0 <= index < len(pieces):
        abort(404)
    path = case_file(case, str(pieces[index].get("fichier", "")))
    return send_case_file(path, path.name, download=request.args.get("download") == "1")
