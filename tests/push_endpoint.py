"""A push service on 127.0.0.1 for the tests, and the browser's side of a subscription.

It does what a real push service and browser do together, nothing less: the request
must carry a VAPID JWT (RFC 8292) signed by the key the subscription was made with,
for this origin, not expired; the body is decrypted as RFC 8291 (``aes128gcm``) with
the subscription's private key and auth secret. Anything else is refused (401/400)
and kept in ``refused``.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """The browser's keys for one subscription."""

    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )


def check_vapid(header: str, origin: str, expected_key: str | None) -> str | None:
    """What is wrong with a ``vapid t=…,k=…`` Authorization header, or None."""
    if not header.startswith("vapid "):
        return "no vapid"
    parts = dict(p.strip().split("=", 1) for p in header[6:].split(","))
    token, key = parts.get("t", ""), parts.get("k", "")
    if expected_key is not None and key != expected_key:
        return "another key"
    try:
        head, claims, signature = token.split(".")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        raw = unb64url(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except (ValueError, InvalidSignature):
        return "bad signature"
    data = json.loads(unb64url(claims))
    if json.loads(unb64url(head)).get("alg") != "ES256":
        return "alg"
    if data.get("aud") != origin:
        return "aud"
    if not time.time() < int(data.get("exp", 0)) <= time.time() + 24 * 3600:
        return "exp"
    if not str(data.get("sub", "")).startswith(("mailto:", "https://", "http://")):
        return "sub"
    return None


class PushService:
    """``with PushService(browser) as svc``: ``svc.endpoint``; ``svc.received`` holds each
    decrypted message (a dict), ``svc.refused`` each refusal's reason."""

    def __init__(self, browser: Browser, expected_key: str | None = None, gone: bool = False):
        self.browser = browser
        self.expected_key = expected_key
        self.gone = gone
        self.received: list[dict] = []
        self.refused: list[str] = []
        self.headers: list[dict] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.headers.append({k.lower(): v for k, v in self.headers.items()})
                if service.gone:
                    self.send_response(410)
                    self.end_headers()
                    return
                origin = f"http://{self.headers['Host']}"
                problem = check_vapid(
                    self.headers.get("Authorization", ""), origin, service.expected_key
                )
                if problem is None and self.headers.get("Content-Encoding") != "aes128gcm":
                    problem = "encoding"
                if problem is None:
                    try:
                        plain = http_ece.decrypt(
                            body,
                            private_key=service.browser.private,
                            auth_secret=service.browser.auth,
                            version="aes128gcm",
                        )
                        service.received.append(json.loads(plain))
                    except Exception as error:  # noqa: BLE001 - any decryption failure
                        problem = f"decrypt: {error}"
                if problem is not None:
                    service.refused.append(problem)
                    self.send_response(401 if "vapid" in problem or "sig" in problem else 400)
                else:
                    self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_port}/push/abonnement-1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def subscription(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": self.browser.p256dh, "auth": b64url(self.browser.auth)},
        }

    def __enter__(self) -> PushService:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
