"""The capture's exchanges as a WARC file (ISO 28500), the web archives' own format.

The browser records every request and response of the load as a HAR (bodies
included); ``warc_from_har`` writes the same exchanges as WARC ``request`` and
``response`` records with ``warcio`` (Webrecorder), so that replay tools and web
archivists can open the page as it was served. The browser hands bodies over
decoded: the records say so (``WARC-Truncated`` is not used; the HTTP headers lose
``Content-Encoding`` and ``Transfer-Encoding`` and get the real ``Content-Length``),
which the warcinfo record states.
"""

from __future__ import annotations

import base64
import io
import json
from typing import Any

from ... import __version__

DROPPED = ("content-encoding", "transfer-encoding", "content-length")


def _headers(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (str(h.get("name", "")), str(h.get("value", "")))
        for h in items
        if isinstance(h, dict) and h.get("name") and not str(h["name"]).startswith(":")
    ]


def _body(content: dict[str, Any]) -> bytes:
    text = content.get("text") or ""
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(text)
        except ValueError:
            return b""
    return str(text).encode("utf-8")


def warc_from_har(har: bytes, started: str) -> bytes:
    """The HAR's exchanges as a gzipped WARC; ``started``: the capture's start (ISO 8601)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    entries = json.loads(har).get("log", {}).get("entries", [])
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    info = writer.create_warcinfo_record(
        "capture.warc.gz",
        {
            "software": f"rdvletters {__version__} (Chromium, Playwright HAR, warcio)",
            "format": "WARC File Format 1.1",
            "description": "Échanges du chargement de la page, corps décodés par le navigateur.",
            "isPartOf": started,
        },
    )
    writer.write_record(info)
    for entry in entries:
        request, response = entry.get("request", {}), entry.get("response", {})
        url = str(request.get("url", ""))
        if not url.startswith(("http://", "https://")):
            continue
        version = str(response.get("httpVersion") or "HTTP/1.1").upper().replace("H2", "HTTP/2")
        posted = str((request.get("postData") or {}).get("text") or "").encode("utf-8")
        line = f"{request.get('method', 'GET')} {url} {version}"
        sent = StatusAndHeaders(line, _headers(request.get("headers", [])), is_http_request=True)
        writer.write_record(
            writer.create_warc_record(url, "request", payload=io.BytesIO(posted), http_headers=sent)
        )
        body = _body(response.get("content") or {})
        kept = [(k, v) for k, v in _headers(response.get("headers", [])) if k.lower() not in
                DROPPED] + [("Content-Length", str(len(body)))]  # fmt: skip
        status = f"{response.get('status', 0)} {response.get('statusText', '')}".strip()
        received = StatusAndHeaders(status, kept, protocol=version)
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=received
            )
        )
    return out.getvalue()
