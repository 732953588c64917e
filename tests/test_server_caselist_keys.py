"""The server's list opens every name in one pass (``caseindex.visible_named``): for a
volunteer through their own wrapped copies, for one allowed to see all cases through the
team key, for an admin. Each page must list what opening each case on its own gives
(``visible_cases``, ``key_for_user``, ``read_label``): the same names, followers, order
and count, search and page 2 included, and nothing of a case the volunteer may not see."""

from __future__ import annotations

import html
import re

from rdvletters.server import accounts, caseindex, keys
from rdvletters.server.caselist import PAGE_SIZE, matches

from .server_helpers import PASSWORD, accept, admin_client, invite, make_server
from .server_helpers import login as sign_in

ROW = re.compile(
    r'<th scope="row"><a href="/c/([0-9a-f]+)/">([^<]*)</a>.*?<td data-label="Suivi par">([^<]*)</td>',
    re.S,
)


def _listed(client, url: str) -> list[tuple[str, str, str]]:
    page = client.get(url).get_data(as_text=True)
    return [(cid, html.unescape(name), html.unescape(by)) for cid, name, by in ROW.findall(page)]


def _one_by_one(server, user, password: str = PASSWORD, query: str = "") -> list[tuple]:
    """The list as opening each case on its own gives it, in the page's order."""
    private = accounts_private(server, user, password)
    rows = []
    for row in caseindex.visible_cases(server.store, user):
        key = caseindex.key_for_user(server.store, row.id, user.id, private)
        name = caseindex.read_label(key, row) if key else ""
        if query and not matches(query, name, row.id):
            continue
        rows.append((row.archived_at is not None, name.lower(), row.id, name, row.followers))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [(cid, name, ", ".join(by) or "–") for _a, _l, cid, name, by in rows]


def accounts_private(server, user, password: str) -> bytes:
    with server.store.transaction(write=False) as tx:
        blob = tx.one("SELECT private_blob FROM users WHERE id = :i", i=user.id)["private_blob"]
    return keys.open_private(bytes(blob), password, server.config.argon2)


def test_every_volunteer_sees_what_opening_each_case_gives(tmp_path):
    server = make_server(tmp_path)
    store, cost = server.store, server.config.argon2
    admin, _secret = admin_client(server)
    marie = accounts.accept_invitation(
        store, accounts.invite(store, "Marie", "volunteer", False, None), "marie", PASSWORD, cost
    )
    assert accept(server.client(), invite(admin, "Paul", all_cases=True), "paul").status_code == 303
    sow = accounts.accept_invitation(
        store, accounts.invite(store, "Binta Sow", "volunteer", False, None), "sow", PASSWORD, cost
    )
    ids = []
    for i in range(PAGE_SIZE + 12):
        owner = sow if i % 7 == 0 else marie
        name = f"PERSONNE{i:03d} {('Zoé', 'Hélène')[i % 2]}"
        ids.append(caseindex.create_case(store, owner, name)[0])
    shared = ids[3]
    key = caseindex.key_for_user(store, shared, marie.id, accounts_private(server, marie, PASSWORD))
    with store.transaction() as tx:
        caseindex.follow(tx, shared, sow, key)  # followed by two volunteers
    caseindex.set_archived(store, ids[5], True)
    paul = next(u for u in accounts.list_users(store) if u.display_name == "Paul")
    awa = next(u for u in accounts.list_users(store) if u.role == "admin")

    for login, user in (("marie", marie), ("paul", paul), ("sow", sow)):
        client = server.client()
        assert sign_in(client, login).status_code == 303
        for query, url_query in (("", ""), ("helene", "q=helene&"), ("zoe 00", "q=zoe+00&")):
            expected = _one_by_one(server, user, query=query)
            pages = max(1, -(-len(expected) // PAGE_SIZE))
            shown = [
                r for n in range(1, pages + 1) for r in _listed(client, f"/?{url_query}page={n}")
            ]
            assert shown == expected, (login, query)
    # Paul follows none: he sees every case through the team key, followers included
    client = server.client()
    assert sign_in(client, "paul").status_code == 303
    every = _listed(client, "/") + _listed(client, "/?page=2")
    assert len(every) == len(ids)
    assert next(r for r in every if r[0] == shared)[2] == "Binta Sow, Marie"
    # Marie does not see Binta Sow's own cases
    client = server.client()
    assert sign_in(client, "marie").status_code == 303
    hers = {r[0] for r in _listed(client, "/") + _listed(client, "/?page=2")}
    assert ids[7] not in hers and shared in hers
    assert _listed(admin, "/") == _one_by_one(server, awa)[:PAGE_SIZE]  # the admin's too
