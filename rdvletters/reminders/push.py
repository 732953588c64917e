"""A reminder sent to a phone by Web Push (RFC 8030), encrypted (RFC 8291), signed (VAPID).

The phone's browser subscribes with the server's public VAPID key and gives back a
subscription: the push service's address for this browser (``endpoint``) and the
keys the message is encrypted to (``p256dh``, ``auth``). ``send`` encrypts the
reminder to those keys (``aes128gcm``) and signs the request with the server's VAPID
key (a JWT for the push service's origin), through ``pywebpush``: the push service
carries a message it cannot read, and refuses one not signed by the key the
subscription was made with.

The message holds what to do, never who: a title, a line, a stable tag (the slot's
key: a phone shows one notification per slot), and where to go in the person's app
(a path relative to the app's own address, which only the phone knows).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from ..fsutil import write_new

MAX_PAYLOAD = 3000  # bytes: push services accept about 4 KB after encryption
TTL = 6 * 3600  # a reminder older than this is not worth showing


class PushGone(Exception):
    """The subscription no longer exists (404/410): it is to be forgotten."""


class PushFailed(Exception):
    """The push service refused or could not be reached this time."""


@dataclass(frozen=True)
class Reminder:
    title: str
    body: str
    tag: str
    url: str = ""  # relative to the app's address: « #attempt-form », « documents »

    def payload(self) -> str:
        data = json.dumps(
            {"title": self.title, "body": self.body, "tag": self.tag, "url": self.url},
            ensure_ascii=False,
        )
        if len(data.encode()) > MAX_PAYLOAD:
            data = json.dumps(
                {"title": self.title[:120], "body": self.body[:600], "tag": self.tag,
                 "url": self.url},
                ensure_ascii=False,
            )  # fmt: skip
        return data


def vapid(path: Path):
    """The server's VAPID key (``py_vapid``), made once (0600) at first use."""
    from py_vapid import Vapid02

    if not path.exists():
        key = Vapid02()
        key.generate_keys()
        from cryptography.hazmat.primitives import serialization

        pem = key.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        write_new(path, pem)
    return Vapid02.from_file(str(path))


def application_server_key(key) -> str:
    """The public key as the browser's ``pushManager.subscribe`` wants it (base64url,
    uncompressed P-256 point)."""
    from cryptography.hazmat.primitives import serialization

    raw = key.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def check_subscription(data: object) -> dict:
    """The subscription as sent by the browser, reduced to what is needed; ValueError if
    it is not one."""
    if not isinstance(data, dict):
        raise ValueError("subscription: object expected")
    endpoint = data.get("endpoint")
    keys = data.get("keys")
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        raise ValueError("subscription: endpoint")
    if len(endpoint) > 1000 or not isinstance(keys, dict):
        raise ValueError("subscription: keys")
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    for value in (p256dh, auth):
        if not isinstance(value, str) or not 8 <= len(value) <= 200:
            raise ValueError("subscription: keys")
    return {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}


def send(subscription: dict, reminder: Reminder, key, contact: str, timeout: float = 10) -> int:
    """Send one reminder; the push service's status. ``PushGone`` when the subscription
    is gone, ``PushFailed`` for any other refusal or a network failure."""
    from pywebpush import WebPushException, webpush

    try:
        response = webpush(
            subscription,
            reminder.payload(),
            vapid_private_key=key,
            vapid_claims={"sub": contact},
            timeout=timeout,
            ttl=TTL,
            headers={"Urgency": "normal", "Topic": _topic(reminder.tag)},
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in (404, 410):
            raise PushGone(str(status)) from None
        raise PushFailed(str(status or "network")) from None
    except OSError as error:
        raise PushFailed(type(error).__name__) from None
    return int(getattr(response, "status_code", 0))


def _topic(tag: str) -> str:
    """RFC 8030 Topic: at most 32 URL-safe base64 characters; a newer message with the
    same topic replaces one not yet delivered."""
    import hashlib

    return base64.urlsafe_b64encode(hashlib.sha256(tag.encode()).digest()[:24]).decode()
