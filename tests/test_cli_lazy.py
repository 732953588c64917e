"""The command line loads only the module of the command typed (``app.COMMAND_MODULES``)."""

from __future__ import annotations

import importlib
import pkgutil

import click

import rdvletters.cli
from rdvletters.cli.app import COMMAND_MODULES, cli

from .conftest import modules_after, run_installed


def _registered() -> dict[str, str]:
    """Every command the ``*_cmds`` modules define, with the module that defines it."""
    for info in pkgutil.iter_modules(rdvletters.cli.__path__):
        if info.name.endswith("_cmds"):
            importlib.import_module(f"rdvletters.cli.{info.name}")
    return {name: command_module(command) for name, command in cli.commands.items()}


def command_module(command: click.Command) -> str:
    if isinstance(command, click.Group):  # a subgroup: where its subcommands are defined
        command = next(iter(command.commands.values()))
    return command.callback.__module__.rsplit(".", 1)[1]


def test_the_table_names_every_command_and_its_module():
    assert _registered() == COMMAND_MODULES


def test_a_command_loads_its_own_module_only(case):
    modules, printed = modules_after("-C", case, "email", "--format", "text")
    assert "relance n°" in printed
    loaded = {m.rsplit(".", 1)[1] for m in modules if m.startswith("rdvletters.cli.")}
    assert {m for m in loaded if m.endswith("_cmds")} == {"document_cmds"}


def test_help_and_unknown_commands_still_see_them_all():
    listed = run_installed("--help").stdout
    for name in COMMAND_MODULES:
        assert f"\n  {name} " in listed, name
    unknown = run_installed("statu")
    assert unknown.returncode == 2 and "commande inconnue : 'statu'" in unknown.stderr
    sub = run_installed("server", "--help")
    assert sub.returncode == 0 and "reset-totp" in sub.stdout
