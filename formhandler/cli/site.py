"""`flask site`: the live site on this server: its state, a new build, and going back to an earlier one."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .. import publishing
from ..publishing.git import GitError
from ..publishing.live import LiveSite
from ..publishing.targets import GitTarget
from .common import fail

site_cli = AppGroup(
    "site", help="De openbare site op deze server: de stand, een nieuwe build en terug naar een eerdere."
)


@site_cli.command("status")
def site_status() -> None:
    """Toon waar publiceren heen gaat, de stand van de werkkopie en welke build er online staat."""
    config = current_app.config
    try:
        target, live = publishing.site()
    except publishing.PublishError as exc:
        fail(str(exc))
    click.echo(f"Publiceren: {config['PUBLISH_TARGET']} · contentmap {target.content}")
    if isinstance(target, GitTarget):
        _repository_status(target)
    public = config["PUBLIC_URL"] or "(niet ingesteld: links zijn relatief)"
    click.echo(f"Openbaar adres: {public}")
    if live is None:
        click.echo("Build op deze server: geen (SITE_BUILD=none; de CI van de siterepository bouwt en zet online).")
        return
    _live_status(live)


def _repository_status(target: GitTarget) -> None:
    """The working copy: where it is, its branch and commit, and what is not yet on the remote."""
    repository = target.repository
    try:
        head = repository.run("log", "-1", "--format=%h %s (%an, %ar)").strip()
        changed = repository.changed_files()
        ahead, behind = repository.ahead_behind()
    except GitError as exc:
        fail(str(exc))
    push = "aan" if target.pushes else "uit"
    click.echo(
        f"Siterepository: {repository.path} · tak {repository.branch} · remote {repository.remote} (push {push})"
    )
    click.echo(f"Laatste commit: {head}")
    if ahead or behind:
        click.echo(f"Ten opzichte van de remote (bij de laatste fetch): {ahead} vooruit, {behind} achter.")
    if changed:
        click.echo("Niet vastgelegd in de werkkopie (publiceren weigert tot dit weg is):")
        for name in changed:
            click.echo(f"  {name}")


def _live_status(live: LiveSite) -> None:
    """The served link, the live build and the builds kept for a rollback."""
    current = live.current()
    click.echo(f"Online (SITE_DIR): {live.served} → {current or 'geen build'}")
    builds = live.builds()
    if not builds:
        click.echo("Er zijn nog geen builds; maak de eerste met: flask --app formhandler site build")
        return
    click.echo(f"Bewaarde builds ({len(builds)}, nieuwste onderaan):")
    for name in builds:
        click.echo(f"  {name}{'  ← online' if name == current else ''}")


@site_cli.command("build")
def site_build() -> None:
    """Werk de werkkopie bij, bouw de site voor productie en zet die in één keer online."""
    try:
        name = publishing.rebuild()
    except publishing.PublishError as exc:
        fail(str(exc))
    click.echo(f"De site is gebouwd en staat online: build {name}.")


@site_cli.command("rollback")
@click.option("--to", "to", default="", help="De naam van de build (zie site status); standaard de vorige.")
def site_rollback(to: str) -> None:
    """Zet de vorige build (of een gekozen build) weer online."""
    _target, live = publishing.site()
    if live is None:
        fail("SITE_BUILD staat op ‘none’: op deze server staan geen builds om naar terug te gaan.")
    try:
        name = live.rollback(to)
    except publishing.PublishError as exc:
        fail(str(exc))
    click.echo(f"Build {name} staat weer online. De volgende publicatie maakt een nieuwe build van de laatste commit.")
