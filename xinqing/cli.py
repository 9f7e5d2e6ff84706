"""The `xinqing` command: run the stack, issue development tokens, seed demo data, reset."""
from __future__ import annotations

import shutil
import sys

import typer
from rich.console import Console
from rich.table import Table

from chassis.auth import ROLES, issue_token
from chassis.keys import ensure_dev_keys, jwt_private_key
from chassis.reference import DISTRICTS
from chassis.settings import Settings

from .launcher.errors import LaunchError

app = typer.Typer(help="新青 xinqing: backend for Beijing's work with new emerging youth groups.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()


def fail(message: str) -> None:
    console.print(f"[bold red]xinqing:[/] {message}")
    raise typer.Exit(1)


@app.command()
def up(infra: bool = typer.Option(True, help="start PostgreSQL and Kafka (--no-infra: use running ones)"),
       seed: bool = typer.Option(True, help="load demo data into an empty stack")) -> None:
    """Run the whole stack in the foreground (PostgreSQL, Kafka, services, gateway)."""
    from .launcher.stack import Stack, banner

    settings = Settings()
    stack = Stack(settings, console, start_infra=infra)
    code = 1
    try:
        stack.start()
        if seed:
            from .seed import seed_demo_if_empty

            seed_demo_if_empty(settings, stack.say)
        token = issue_token(jwt_private_key(settings), settings, roles=["admin"], subject="dev-admin")
        console.print(banner(settings, token), highlight=False, soft_wrap=True)
        code = stack.run_forever()
    except LaunchError as exc:
        console.print(f"[bold red]xinqing:[/] {exc}")
    except KeyboardInterrupt:
        code = 0
    finally:
        stack.stop()
    raise typer.Exit(code)


@app.command()
def token(role: str = typer.Option(..., help=f"one of: {', '.join(ROLES)}"),
          district: str | None = typer.Option(None, help="district code to scope the token to, e.g. 110105"),
          subject: str | None = typer.Option(None, help="user id in the token (default: random)"),
          hours: float = typer.Option(12, help="validity in hours")) -> None:
    """Print a development JWT signed with the local key."""
    settings = Settings()
    ensure_dev_keys(settings.keys_dir)
    try:
        print(issue_token(jwt_private_key(settings), settings, roles=[role], district=district, subject=subject,
                          ttl_seconds=int(hours * 3600)))
    except ValueError as exc:
        fail(str(exc))


@app.command()
def seed(scale: str = typer.Option("demo", help="demo"),
         gateway_url: str | None = typer.Option(None, help="registry to write to (default from settings)")) -> None:
    """Load synthetic demo data through the real write paths (the stack must be running)."""
    from .seed import seed_demo

    if scale != "demo":
        fail(f"unknown scale {scale!r}: only 'demo' is available")
    settings = Settings()
    seed_demo(settings, lambda m: console.print(m))


@app.command()
def reset(yes: bool = typer.Option(False, "--yes", help="do not ask")) -> None:
    """Delete the local data directory (PostgreSQL cluster, Kafka log, development keys)."""
    from .launcher.postgres import PostgresServer

    settings = Settings()
    pg_dir = PostgresServer(settings, settings.data_dir / "pg").data_dir
    if not yes and not typer.confirm(f"Delete {settings.data_dir} and {pg_dir}?"):
        raise typer.Exit(1)
    for d in {settings.data_dir, pg_dir}:
        shutil.rmtree(d, ignore_errors=True)
    console.print(f"deleted {settings.data_dir}")


@app.command("settings")
def show_settings() -> None:
    """List every setting, its environment variable and its current value."""
    settings = Settings()
    table = Table("variable", "value", "meaning")
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if name in ("master_key", "blind_index_key", "partner_key", "pg_password") and value:
            value = "***"
        table.add_row(f"XQ_{name.upper()}", str(value), field.description or "")
    console.print(table)


@app.command()
def districts() -> None:
    """List the 16 district codes."""
    for code, name in DISTRICTS.items():
        print(code, name)


def main() -> None:
    try:
        app()
    except LaunchError as exc:
        console.print(f"[bold red]xinqing:[/] {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()
