"""The volunteer's side of the server: the list of cases, a new case, and each case's
follow-up (volunteers, hand-over, archive, export, erasure, the person's link).

Every other page of a case is the local app's own page (``web/``), served through
``registry.ServerRegistry``.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..frdates import now_paris
from ..i18n import N_, _
from ..profile_edit import update_profile
from . import accounts, audit, caseindex, caselist, reminders, retention
from .auth import current_private, current_user
from .qr import qr_svg
from .registry import checkout, context

bp = Blueprint("cases", __name__, template_folder="templates")
ERASE_WORD = "EFFACER"


def home():
    """The cases the volunteer may open (replaces the local list, ``web.home``): current
    cases first, then archived ones, each by name; searched by name or case reference,
    shown 50 to a page (``caselist``)."""
    ctx = context()
    user = current_user()
    query = " ".join(request.args.get("q", "").split())[: caselist.QUERY_MAX]
    rows = []
    inactive = timedelta(days=ctx.config.inactive_days)
    now = now_paris()
    wanted = caselist.words(query)
    for row, name in caseindex.visible_named(ctx.store, user, current_private()):
        if wanted and not caselist.found(wanted, name, row.id):
            continue
        rows.append((row, name, now - row.last_activity > inactive))
    rows.sort(key=lambda r: (r[0].archived_at is not None, r[1].lower()))
    shown = caselist.page_of(rows, request.args.get("page", 1, type=int))
    return render_template(
        "server_cases.html",
        rows=shown.rows,
        total=shown.total,
        page_number=shown.number,
        pages=shown.pages,
        query=query,
        args={"q": query} if query else {},
        mine=user,
    )


def new_case():
    """Open a case: key, vault folder, commented profile with the names (``init``)."""
    ctx = context()
    user = current_user()
    nom = request.form.get("nom", "").strip()
    prenom = request.form.get("prenom", "").strip()
    if not nom or not prenom or len(nom) > 100 or len(prenom) > 100:
        flash(("error", 0, _("Indiquez le nom et le prénom de la personne."), None))
        return redirect(url_for("web.home"), code=303)
    case_id, key = caseindex.create_case(ctx.store, user, f"{nom.upper()} {prenom}")
    ctx.vault.create(case_id, key)
    case = checkout(case_id, key)
    case.init()
    update_profile(case.profile_path, {("demandeur", "nom"): nom, ("demandeur", "prenom"): prenom})
    return redirect(url_for("web.profile", case_id=case_id, section="situation"), code=303)


def erase_page(case_id: str):
    """The local « erase » page removes a folder; here erasure destroys keys: it is asked
    on the case's page (``manage``)."""
    return redirect(url_for("web.manage", case_id=case_id, _anchor="keep-title"), code=303)


def _case_or_404(case_id: str):
    """The case row and key for the signed-in volunteer, the case checked out; or 404."""
    ctx = context()
    user = current_user()
    row = caseindex.get_case(ctx.store, case_id) if case_id.isalnum() else None
    key = row and caseindex.key_for_user(ctx.store, case_id, user.id, current_private())
    if row is None or key is None:
        abort(404)
    return ctx, user, row, key


def manage(case_id: str):
    """The case itself (the local app's « Le dossier », ``web.manage``): the person's link,
    who follows it, hand-over, export, archive, erasure, who opened it."""
    ctx, user, row, key = _case_or_404(case_id)
    from ..web.common import registry

    registry().get(case_id)  # the audit line, and the name for the header
    others = [u for u in accounts.list_users(ctx.store) if u.active and u.id != user.id]
    return _manage_page(case_id, row, key, others)


def _manage_page(case_id, row, key, others, new_link: str | None = None, code: int = 200):
    following = caseindex.follows(context().store, case_id, current_user().id)
    ctx = context()
    from ..web.common import page

    return page(
        "case_manage.html",
        case_id,
        row=row,
        volunteers=others,
        links=caseindex.links_of(ctx.store, case_id),
        events=audit.events(ctx.store, case_id, limit=50),
        new_link=new_link,
        new_link_qr=qr_svg(new_link, _("Code QR du lien personnel")) if new_link else None,
        link_days=ctx.config.link_days,
        link_max_days=ctx.config.link_max_days,
        erase_word=ERASE_WORD,
        inactive=now_paris() - row.last_activity > timedelta(days=ctx.config.inactive_days),
        following=following,
        reminders_on=sorted(
            reminders.subscriptions(ctx.store, reminders.key_of(ctx.config), case_id)
        ),
        smtp=bool(ctx.config.smtp_host and ctx.config.smtp_from),
        reminder_error=request.args.get("rappels") == "erreur",
    ), code


@bp.route("/c/<case_id>/suivi/confier", methods=["POST"])
def hand_over(case_id: str):
    """Give the case to another volunteer (their own wrapped key); ``keep`` or not."""
    ctx, user, row, key = _case_or_404(case_id)
    target_id = request.form.get("volunteer", "")
    with ctx.store.transaction() as tx:
        target = accounts.get_user(tx, int(target_id)) if target_id.isdigit() else None
        if target is None or not target.active:
            abort(400)
        caseindex.follow(tx, case_id, target, key)
        if request.form.get("keep") != "1":
            caseindex.unfollow(tx, case_id, user.id)
        audit.record(tx, user.display_name, case_id, N_("dossier confié"), target.display_name)
    flash(("handed", target.display_name))
    if request.form.get("keep") == "1" or user.all_cases:
        return redirect(url_for("web.manage", case_id=case_id), code=303)
    return redirect(url_for("web.home"), code=303)


@bp.route("/c/<case_id>/suivi/suivre", methods=["POST"])
def follow(case_id: str):
    """Follow a case seen through the team key: one's own wrapped copy, one's own list."""
    ctx, user, row, key = _case_or_404(case_id)
    with ctx.store.transaction() as tx:
        caseindex.follow(tx, case_id, user, key)
        audit.record(tx, user.display_name, case_id, N_("dossier suivi"))
    return redirect(url_for("web.manage", case_id=case_id), code=303)


@bp.route("/c/<case_id>/suivi/archiver", methods=["POST"])
def archive(case_id: str):
    ctx, user, row, key = _case_or_404(case_id)
    default = "0" if request.form.get("undo") == "1" else "1"  # the local form says ``undo``
    archived = request.form.get("archive", default) == "1"
    caseindex.set_archived(ctx.store, case_id, archived)
    audit.log(
        ctx.store,
        user.display_name,
        case_id,
        N_("dossier archivé") if archived else N_("dossier sorti des archives"),
    )
    return redirect(url_for("web.manage", case_id=case_id), code=303)


@bp.route("/c/<case_id>/effacer", methods=["POST"])
def erase(case_id: str):
    """Crypto-shredding: every wrapped key destroyed, then the files."""
    ctx, user, row, key = _case_or_404(case_id)
    if request.form.get("confirm", "").strip() != ERASE_WORD:
        flash(
            ("error", 0, _("Pour effacer, recopiez le mot {word}.").format(word=ERASE_WORD), None)
        )
        return redirect(url_for("web.manage", case_id=case_id), code=303)
    retention.erase_case(ctx, case_id, user.display_name)
    flash(("erased",))
    return redirect(url_for("web.home"), code=303)


@bp.route("/c/<case_id>/lien", methods=["POST"])
def new_link(case_id: str):
    ctx, user, row, key = _case_or_404(case_id)
    days_text = request.form.get("days", "")
    days = int(days_text) if days_text.isdigit() else 0
    if not 1 <= days <= ctx.config.link_max_days:
        flash(
            (
                "error",
                0,
                _("Durée du lien : de 1 à {max} jours.").format(max=ctx.config.link_max_days),
                None,
            )
        )
        return redirect(url_for("web.manage", case_id=case_id), code=303)
    token = caseindex.create_link(ctx.store, case_id, key, user, days)
    from ..web.common import registry

    registry().get(case_id)
    others = [u for u in accounts.list_users(ctx.store) if u.active and u.id != user.id]
    url = f"{ctx.config.public_url}{url_for('person.home', token=token)}"
    return _manage_page(case_id, row, key, others, new_link=url)


@bp.route("/c/<case_id>/lien/<token_hash>/revoquer", methods=["POST"])
def revoke(case_id: str, token_hash: str):
    ctx, user, row, key = _case_or_404(case_id)
    caseindex.revoke_link(ctx.store, case_id, token_hash, user.display_name)
    return redirect(url_for("web.manage", case_id=case_id), code=303)


@bp.route("/c/<case_id>/recu")
def receipts(case_id: str):
    """What the person sent from their phone: taken (as stated), received, timestamped."""
    _case_or_404(case_id)
    from ..web.common import page, registry
    from .receipts import received

    case = registry().get(case_id)
    assert case is not None
    return page("case_receipts.html", case_id, rows=received(case))
