"""`mailbot actions`: corrective actions from the command line (list, done, worked).

Handlers make them by reply (`action TEXT owner EMAIL due DATE`); owners and compliance, who
may have no approval request to answer, record here that one is done and whether it worked.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated, Optional

import typer

from ..service.actions import ActionResult, mark_done, mark_worked
from ..store import actions as actions_q
from . import wiring
from .records import ByOption, _plain
from .running import ConfigOption, JsonOption


def _finish(result: ActionResult) -> None:
    if result.problem:
        typer.echo(result.problem, err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    actions_app = typer.Typer(help="Corrective actions: list them, mark one done, say whether it "
                                   "worked.", no_args_is_help=True)
    app.add_typer(actions_app, name="actions")

    @actions_app.command("list")
    def actions_list(config: ConfigOption = None, as_json: JsonOption = False,
                     status: Annotated[Optional[str], typer.Option(
                         help="open or done (default: all).")] = None) -> None:
        """Corrective actions with their case, owner, due date and state."""
        store = wiring.build_store(wiring.read_config(config))
        with store.transaction() as conn:
            rows = actions_q.list_actions(conn, status=status)
        if as_json:
            typer.echo(json.dumps([_plain(r) for r in rows], indent=2, default=str))
            return
        for r in rows:
            state = (r.status if r.status == "open"
                     else f"done, worked: {r.worked or 'not yet known'}")
            typer.echo(f"#{r.id:<4} {r.case_ref:<13} due {r.due_on}  {r.owner:<30} {state}  "
                       f"{r.text}")

    @actions_app.command("done")
    def actions_done(action_id: int, by: ByOption = "cli", config: ConfigOption = None) -> None:
        """Mark an action done: its owner and whoever made it are asked whether it worked."""
        application = wiring.build_app(wiring.read_config(config), with_classifier=False)
        with application.store.transaction() as conn:
            result = mark_done(conn, application, action_id, actor=by,
                               now=datetime.now(timezone.utc))
        _finish(result)
        typer.echo(f"action #{action_id}: done; asked whether it worked (sent on the next run)")

    @actions_app.command("worked")
    def actions_worked(action_id: int,
                       answer: Annotated[str, typer.Argument(help="yes or no.")],
                       by: ByOption = "cli", config: ConfigOption = None,
                       note: Annotated[Optional[str], typer.Option(
                           help="What happened (kept as a purgeable note).")] = None) -> None:
        """Record whether a done action worked: the trend report shows its cause fixed, or not."""
        if answer.lower() not in ("yes", "no"):
            raise typer.BadParameter("answer yes or no", param_hint="ANSWER")
        store = wiring.build_store(wiring.read_config(config))
        with store.transaction() as conn:
            result = mark_worked(conn, action_id, answer.lower() == "yes", actor=by,
                                 now=datetime.now(timezone.utc), note=note or "")
        _finish(result)
        typer.echo(f"action #{action_id}: worked {answer.lower()}")
