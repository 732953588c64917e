"""``rdvletters serve --config FILE``: the server's settings, read from TOML.

Every value has a default except ``server.data_dir`` and ``server.public_url``;
an unknown section or key, or a value of the wrong type, is refused with the
file and the field, as the profile's errors are. Example in the README
("Serveur d'association") and ``deploy/rdvletters.toml``.
"""

from __future__ import annotations

import ipaddress
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import InputError
from ..fsutil import read_small
from ..i18n import _
from .keys import Argon2Cost

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class Authority:
    url: str
    name: str
    certificate: Path | None = None


@dataclass(frozen=True)
class ServerConfig:
    source: Path
    data_dir: Path
    public_url: str
    host: str = "127.0.0.1"
    port: int = 8080
    trusted_proxy: str | None = "127.0.0.1"  # whose X-Forwarded-* headers waitress reads
    threads: int = 8
    lang: str | None = None
    totp_for_all: bool = False
    session_idle_minutes: int = 30
    login_attempts: int = 5  # per account and per address, each 15 minutes
    argon2: Argon2Cost = field(default_factory=Argon2Cost)
    totp_key_file: Path | None = None  # default: data_dir / totp.key (``secondfactor``)
    link_days: int = 90
    link_max_days: int = 365
    inactive_days: int = 180
    erase_after_days: int = 365
    auto_erase: bool = False
    authorities: tuple[Authority, ...] = ()
    timestamp_timeout: float = 10.0
    # reminders (``[reminders]``): who the push services may contact, and the SMTP server
    # for e-mail reminders (none: e-mail reminders cannot be turned on)
    reminders_contact: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str | None = None
    smtp_starttls: bool = False

    @property
    def push_contact(self) -> str:
        """VAPID's ``sub``: the contact given, else the server's own address."""
        return self.reminders_contact or self.public_url

    @property
    def vapid_key_path(self) -> Path:
        return self.data_dir / "vapid.pem"

    @property
    def database(self) -> Path:
        return self.data_dir / "rdvletters.sqlite3"

    @property
    def vault_dir(self) -> Path:
        return self.data_dir / "cases"

    @property
    def secure_cookies(self) -> bool:
        return urlsplit(self.public_url).scheme == "https"


# section -> key -> (type, attribute); the TOML's names are the README's
KEYS: dict[str, dict[str, tuple[type | tuple[type, ...], str]]] = {
    "server": {
        "data_dir": (str, "data_dir"),
        "public_url": (str, "public_url"),
        "host": (str, "host"),
        "port": (int, "port"),
        "trusted_proxy": (str, "trusted_proxy"),
        "threads": (int, "threads"),
        "lang": (str, "lang"),
    },
    "security": {
        "totp_for_all": (bool, "totp_for_all"),
        "session_idle_minutes": (int, "session_idle_minutes"),
        "login_attempts": (int, "login_attempts"),
        "argon2_memory_kib": (int, "argon2_memory_kib"),
        "argon2_time_cost": (int, "argon2_time_cost"),
        "totp_key_file": (str, "totp_key_file"),
    },
    "links": {"default_days": (int, "link_days"), "max_days": (int, "link_max_days")},
    "retention": {
        "inactive_days": (int, "inactive_days"),
        "erase_after_days": (int, "erase_after_days"),
        "auto_erase": (bool, "auto_erase"),
    },
    "timestamp": {"authorities": (list, "authorities"), "timeout_seconds": ((int, float), "tt")},
    "reminders": {
        "contact": (str, "reminders_contact"),
        "smtp_host": (str, "smtp_host"),
        "smtp_port": (int, "smtp_port"),
        "smtp_from": (str, "smtp_from"),
        "smtp_starttls": (bool, "smtp_starttls"),
    },
}
BOUNDS = {
    "port": (1, 65535),
    "threads": (1, 64),
    "session_idle_minutes": (1, 24 * 60),
    "login_attempts": (1, 100),
    "argon2_memory_kib": (8, 4 * 1024 * 1024),
    "argon2_time_cost": (1, 20),
    "link_days": (1, 3650),
    "link_max_days": (1, 3650),
    "inactive_days": (7, 3650),
    "erase_after_days": (14, 3650),
    "smtp_port": (1, 65535),
}


def _bad(path: Path, where: str, message: str) -> InputError:
    return InputError(
        _("{path}, champ « {field} » : {message}").format(path=path, field=where, message=message),
        hint=_("Corrigez {name} puis relancez.").format(name=path.name),
    )


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {str: _("texte"), int: _("nombre entier"), bool: _("true ou false"), list: _("liste")}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return names.get(kinds[0], _("nombre"))


def _flatten(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """``{section: {key: value}}`` -> ``{attribute: value}``, each value type-checked."""
    values: dict[str, Any] = {}
    for section, content in data.items():
        if section not in KEYS or not isinstance(content, dict):
            raise _bad(
                path,
                section,
                _("section inconnue ; sections : {names}.").format(names=", ".join(KEYS)),
            )
        for key, value in content.items():
            where = f"{section}.{key}"
            if key not in KEYS[section]:
                raise _bad(
                    path,
                    where,
                    _("clé inconnue ; clés : {names}.").format(names=", ".join(KEYS[section])),
                )
            kind, attribute = KEYS[section][key]
            wrong_bool = isinstance(value, bool) and kind is not bool
            if wrong_bool or not isinstance(value, kind):
                raise _bad(path, where, _("{kind} attendu.").format(kind=_type_name(kind)))
            low, high = BOUNDS.get(attribute, (None, None))
            if low is not None and not low <= value <= high:
                raise _bad(path, where, _("entre {low} et {high}.").format(low=low, high=high))
            values[attribute] = value
    return values


def _authorities(path: Path, items: list[Any]) -> tuple[Authority, ...]:
    found = []
    for i, item in enumerate(items, start=1):
        where = f"timestamp.authorities[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise _bad(path, where, _('{ url = "https://…", name = "…" } attendu.'))
        url = item["url"]
        if urlsplit(url).scheme not in ("http", "https"):
            raise _bad(path, where, _("adresse http(s) attendue."))
        cert = item.get("certificate")
        certificate = None
        if cert is not None:
            certificate = Path(cert) if Path(cert).is_absolute() else path.parent / cert
            if not certificate.is_file():
                raise _bad(path, where, _("fichier {file} introuvable.").format(file=certificate))
        found.append(Authority(url, str(item.get("name") or urlsplit(url).hostname), certificate))
    return tuple(found)


def load_config(path: Path) -> ServerConfig:
    """Read and check the TOML file; InputError names the file and the field."""
    try:
        data = tomllib.loads(read_small(path).decode("utf-8"))
    except UnicodeDecodeError:
        raise _bad(path, "-", _("le fichier n'est pas en UTF-8.")) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            _("{path} : TOML invalide ({error}).").format(path=path, error=exc)
        ) from None
    values = _flatten(path, data)
    for required in ("data_dir", "public_url"):
        if required not in values:
            section = "server"
            raise _bad(path, f"{section}.{required}", _("valeur obligatoire."))
    url = urlsplit(values["public_url"])
    if url.scheme not in ("http", "https") or not url.netloc or url.path not in ("", "/"):
        raise _bad(
            path, "server.public_url", _("adresse comme https://rdv.association.fr attendue.")
        )
    if "trusted_proxy" in values and values["trusted_proxy"]:
        try:
            ipaddress.ip_address(values["trusted_proxy"])
        except ValueError:
            raise _bad(path, "server.trusted_proxy", _("adresse IP attendue.")) from None
    data_dir = Path(values.pop("data_dir")).expanduser()
    data_dir = data_dir if data_dir.is_absolute() else path.parent / data_dir
    cost = Argon2Cost(
        values.pop("argon2_memory_kib", Argon2Cost.memory_kib),
        values.pop("argon2_time_cost", Argon2Cost.time_cost),
    )
    authorities = _authorities(path, values.pop("authorities", []))
    if values.get("totp_key_file"):
        key_file = Path(values["totp_key_file"]).expanduser()
        values["totp_key_file"] = key_file if key_file.is_absolute() else path.parent / key_file
    else:
        values.pop("totp_key_file", None)
    timeout = float(values.pop("tt", 10.0))
    values["public_url"] = values["public_url"].rstrip("/")
    contact = values.get("reminders_contact")
    if contact is not None and not contact.startswith(("mailto:", "https://")):
        raise _bad(path, "reminders.contact", _("mailto:adresse ou https://… attendu."))
    if values.get("trusted_proxy") == "":
        values["trusted_proxy"] = None
    return ServerConfig(
        source=path,
        data_dir=data_dir,
        argon2=cost,
        authorities=authorities,
        timestamp_timeout=timeout,
        **values,
    )
