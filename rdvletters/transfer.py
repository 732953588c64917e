"""A whole case as one ZIP file, and back: to hand a case to another volunteer, to
another computer, or to the person.

The ZIP holds the case folder as it is (profile, journal, proof files, documents,
dossiers, timestamps: the hash chain and the anchors keep working) and a plain-text
description of its format (``LISEZMOI_FORMAT.txt``) for whoever opens it without
rdvletters. ``import_zip`` reads it back into a new folder, refusing anything that
could write outside it (absolute names, ``..``, links) or fill the disk.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from .case import JOURNAL, PROFILE, Case
from .errors import CaseError, InputError, OutputExistsError
from .fsutil import FILE_MODE, private_dir
from .i18n import _

README = "LISEZMOI_FORMAT.txt"
SKIPPED = {".rdvletters-attente"}  # files of a refused form, waiting: not part of the case
MAX_TOTAL = 4 * 1024**3  # an import larger than this is refused (a zip bomb, not a case)
MAX_FILES = 200_000

FORMAT_TEXT = """\
Dossier rdvletters exporté le {date}
====================================

Ce fichier ZIP contient le dossier d'une personne, tel qu'il était sur l'ordinateur :

  profil.yaml      le profil (texte YAML commenté, modifiable dans un éditeur)
  journal.jsonl    le journal : une ligne JSON par démarche, document ou envoi,
                   jamais réécrite ; chaque ligne garde l'empreinte SHA-256 de la
                   précédente (« precedent ») ; les corrections sont des lignes de plus
  pieces/          les copies des justificatifs (captures, courriels .eml, PDF),
                   dont l'empreinte SHA-256 figure au journal
  documents/       les courriers préparés (texte, Word, PDF, brouillons .eml)
  dossier_*/       les dossiers de pièces préparés (bundle), s'il y en a
  horodatage/      les jetons d'horodatage (RFC 3161), s'il y en a

Le journal compte {entries} lignes ; l'empreinte de la dernière est :
  {head}

Pour reprendre ce dossier avec rdvletters :
  rdvletters import CE_FICHIER.zip DOSSIER
puis « rdvletters -C DOSSIER verify » vérifie que rien n'a changé.

Ces fichiers contiennent des données personnelles : gardez ce ZIP en lieu sûr et
effacez-le quand il ne sert plus.
"""


def _members(root: Path) -> list[Path]:
    """The case's regular files, in a stable order; links and the waiting area left out."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED and not Path(folder, d).is_symlink())
        for name in sorted(files):
            path = Path(folder, name)
            if stat.S_ISREG(os.lstat(path).st_mode):
                found.append(path)
    return found


def export_zip(case: Case, target: Path, now: datetime) -> Path:
    """Write the case folder and ``LISEZMOI_FORMAT.txt`` into the new file ``target``."""
    case.require()
    if target.exists():
        raise OutputExistsError(
            _("Le fichier {path} existe déjà : il n'est jamais écrasé.").format(path=target)
        )
    tail = case.journal.tail()
    top = case.root.resolve().name
    text = FORMAT_TEXT.format(date=f"{now:%d/%m/%Y}", entries=tail.last_n, head=tail.last_hash)
    fd, temp = tempfile.mkstemp(prefix=".export-", suffix=".zip", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
            archive.writestr(f"{top}/{README}", text)
            for path in _members(case.root):
                arcname = f"{top}/{path.relative_to(case.root).as_posix()}"
                archive.write(path, arcname, compress_type=zipfile.ZIP_DEFLATED)
        os.chmod(temp, FILE_MODE)
        os.link(temp, target)  # never replaces a file that appeared meanwhile
    except FileExistsError:
        raise OutputExistsError(
            _("Le fichier {path} existe déjà : il n'est jamais écrasé.").format(path=target)
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    return target


def _safe_name(info: zipfile.ZipInfo, source: Path) -> PurePosixPath:
    name = PurePosixPath(info.filename)
    mode = info.external_attr >> 16
    if (
        name.is_absolute()
        or ".." in name.parts
        or "\\" in info.filename
        or stat.S_ISLNK(mode)
        or ":" in name.parts[0]
    ):
        raise InputError(
            _("{path} : « {name} » sortirait du dossier ; ce ZIP est refusé.").format(
                path=source, name=info.filename
            )
        )
    return name


def import_zip(source: Path, folder: Path) -> Case:
    """Read an exported case into ``folder`` (which must not exist yet)."""
    if folder.exists():
        raise CaseError(
            _("{folder} existe déjà : l'import ne remplace jamais un dossier.").format(
                folder=folder
            )
        )
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(
            _("{path} : ce n'est pas un fichier ZIP lisible ({reason}).").format(
                path=source, reason=type(error).__name__
            )
        ) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        names = [_safe_name(i, source) for i in infos]
        if len(infos) > MAX_FILES or sum(i.file_size for i in infos) > MAX_TOTAL:
            raise InputError(
                _("{path} : ce ZIP est trop gros pour un dossier.").format(path=source)
            )
        tops = {n.parts[0] for n in names if len(n.parts) > 1}
        strip = 1 if len(tops) == 1 and all(len(n.parts) > 1 for n in names) else 0
        inner = [PurePosixPath(*n.parts[strip:]) for n in names]
        if PurePosixPath(PROFILE) not in inner and PurePosixPath(JOURNAL) not in inner:
            raise InputError(
                _(
                    "{path} : ni profil.yaml ni journal.jsonl ; ce n'est pas un dossier "
                    "exporté par rdvletters."
                ).format(path=source)
            )
        private_dir(folder.parent, follow=True)  # the folder the person chose
        temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-import-", dir=folder.parent))
        try:
            for info, name in zip(infos, inner, strict=True):
                if name == PurePosixPath(README):
                    continue
                target = temp.joinpath(*name.parts)
                private_dir(target.parent)
                with archive.open(info) as src, open(target, "xb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                os.chmod(target, FILE_MODE)
            os.chmod(temp, 0o700)
            os.rename(temp, folder)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
    return Case(folder)
