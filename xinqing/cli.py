"""The `xinqing` command: run the stack, issue development tokens, seed demo data, reset."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from chassis.auth import ROLES, issue_token
from chassis.keys import ensure_dev_keys, jwt_private_key
from chassis.reference import DISTRICTS
from chassis.settings import Settings

from .launcher.errors import LaunchError
from .measures import app as measures_app
from .settings_doc import SECRET

app = typer.Typer(help="新青 xinqing: backend for Beijing's work with new emerging youth groups.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()


def fail(message: str) -> None:
    console.print(f"[bold red]xinqing:[/] {message}")
    raise typer.Exit(1)


@app.command()
def up(infra: bool = typer.Option(True, help="start PostgreSQL and Kafka (--no-infra: use running ones)"),
       seed: bool = typer.Option(True, help="load demo data into an empty stack"),
       observe: bool = typer.Option(False, help="also start the ops dashboards: Zipkin (traces) and Prometheus "
                                                "(metrics, alerts), docs/RUNBOOK.md")) -> None:
    """Run the whole stack in the foreground (PostgreSQL, Kafka, services, gateway)."""
    from .launcher.stack import Stack, banner

    stack = Stack(Settings(), console, start_infra=infra, observe=observe)
    settings = stack.settings
    code = 1
    try:
        stack.start()
        if seed:
            from .seed import seed_demo_if_empty

            seed_demo_if_empty(settings, stack.say)
        token = issue_token(jwt_private_key(settings), settings, roles=["admin"], subject="dev-admin")
        youth_token = issue_token(jwt_private_key(settings), settings, roles=["youth"], subject="dev-rider-1")
        dashboards = stack.observe.banner_lines() if stack.observe else None
        console.print(banner(settings, token, youth_token, dashboards), highlight=False, soft_wrap=True)
        code = stack.run_forever()
    except LaunchError as exc:
        console.print(f"[bold red]xinqing:[/] {exc}")
    except KeyboardInterrupt:
        code = 0
    finally:
        stack.stop()
    raise typer.Exit(code)


@app.command()
def token(role: str = typer.Option(..., help=f"one of: {', '.join(ROLES)} (youth: a young person's token, "
                                              "--subject is their account at the identity provider)"),
          district: str | None = typer.Option(None, help="district code to scope the token to, e.g. 110105"),
          city: bool = typer.Option(False, "--city", help="city-wide on purpose (claim scope: city): a district "
                                                          "role without --district needs it"),
          subject: str | None = typer.Option(None, help="user id in the token (default: random)"),
          department: str | None = typer.Option(None, help="department_staff: the department code it acts for, "
                                                           "e.g. RSJ (chassis/departments.yaml)"),
          hours: float = typer.Option(12, help="validity in hours")) -> None:
    """Print a development JWT signed with the local key (never in production)."""
    settings = Settings()
    if settings.environment == "production":
        fail("XQ_ENVIRONMENT=production：令牌只由身份提供方签发，此处不签发。")
    ensure_dev_keys(settings.keys_dir)
    try:
        print(issue_token(jwt_private_key(settings), settings, roles=[role], district=district, subject=subject,
                          ttl_seconds=int(hours * 3600), city=city, department=department))
    except ValueError as exc:
        fail(str(exc))


@app.command()
def seed(scale: str = typer.Option("demo", help="demo (seconds) | city (2.2 M youth; resumable)"),
         count: int | None = typer.Option(None, help="city: how many youth (default 2,200,000)"),
         concurrency: int = typer.Option(2, help="city: batches of 500 in flight")) -> None:
    """Load synthetic data through the real write paths (the stack must be running)."""
    settings = Settings()
    if scale == "demo":
        from .seed import seed_demo

        seed_demo(settings, lambda m: console.print(m))
    elif scale == "city":
        from .seed_city import CITY_YOUTH, run_city_seed

        done = run_city_seed(settings, count or CITY_YOUTH, concurrency)
        console.print(f"city seed: {done.written:,} youth in place ({done.created:,} registered now, "
                      f"{done.existing:,} already there); checkpoint in {settings.data_dir / 'seed-city.json'}")
    else:
        fail(f"unknown scale {scale!r}: 'demo' or 'city'")


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
        if name in SECRET and value:
            value = "***"
        table.add_row(f"XQ_{name.upper()}", str(value), field.description or "")
    console.print(table)


app.add_typer(measures_app, name="measures")
import_app = typer.Typer(help="Bulk import from survey sheets.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("youth")
def import_youth(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV (UTF-8) or XLSX survey sheet"),
                 errors: Path | None = typer.Option(None, help="where to write refused rows (default: FILE.errors.csv)"),
                 chunk: int = typer.Option(1000, min=1, max=2000, help="rows per request (one transaction each)"),
                 concurrency: int = typer.Option(1, min=1, max=16, help="requests in flight (above 1: faster, "
                                                 "but of two rows with the same mobile in different chunks either "
                                                 "may be the one imported)"),
                 token: str | None = typer.Option(None, envvar="XQ_TOKEN", help="bearer token (default: a "
                                                  "development registry_operator token)")) -> None:
    """Register every good row of FILE; report bad rows with line number and reason; safe to re-run."""
    import asyncio

    import httpx

    from .import_progress import ImportProgress
    from .importer import ImportFailed, import_rows, read_rows, write_errors

    settings = Settings()
    if token is None:
        token = issue_token(jwt_private_key(settings), settings, roles=["registry_operator"], subject="import",
                             city=True)
    try:
        total, rows = read_rows(file)
    except (ValueError, OSError) as exc:
        fail(str(exc))
    errors = errors or file.with_name(file.name + ".errors.csv")
    shown = ImportProgress(console, file.name, total)  # live on a terminal; elsewhere only the summary line

    async def run():
        async with httpx.AsyncClient(base_url=settings.service_url("registry"), timeout=120,
                                     headers={"authorization": f"Bearer {token}"}) as client:
            with shown:
                return await import_rows(client, rows, chunk=chunk, concurrency=concurrency, progress=shown.update)

    try:
        report = asyncio.run(run())
    except (ImportFailed, httpx.HTTPError) as exc:
        fail(f"导入中断（已导入的行不受影响，重新运行即可继续）：{exc}")
    write_errors(errors, report)
    console.print(shown.summary(report, errors), markup=False, highlight=False, soft_wrap=True)
    if report.invalid:
        raise typer.Exit(2)


@app.command()
def keys() -> None:
    """Create the development keys in the data directory (master key, blind-index key, token key pair, Kafka
    passwords)."""
    from .launcher.kafka_access import dev_credentials

    settings = Settings()
    ensure_dev_keys(settings.keys_dir)
    dev_credentials(settings)  # the Kafka principals' passwords (the compose stack's broker reads them too)
    console.print(f"development keys in {settings.keys_dir}")


@app.command()
def topics(create: bool = typer.Option(False, "--create", help="create the missing ones on XQ_KAFKA_BOOTSTRAP"),
           strimzi: bool = typer.Option(False, "--strimzi", help="print them as Strimzi KafkaTopic resources"),
           strimzi_users: bool = typer.Option(False, "--strimzi-users",
                                              help="print the Kafka principals and their ACLs as Strimzi KafkaUsers")) -> None:
    """List the Kafka topics the services publish (as their code declares them); --create also grants each
    principal its ACLs (xinqing/kafka_acls.py), as `admin`."""
    from . import topics as declared

    settings = Settings()
    if strimzi_users:
        from .kafka_users import strimzi_users as users

        print(users(settings), end="")
        return
    specs = declared.declared_topics(settings)
    if strimzi:
        print(declared.strimzi(specs), end="")
        return
    for spec in specs:
        print(spec.name, spec.partitions, " ".join(f"{k}={v}" for k, v in spec.config.items()))
    if create:
        declared.create(settings, specs)
        console.print(f"{len(specs)} topics present on {settings.kafka_bootstrap}")


@app.command("rotate-master-key")
def rotate_master_key(new_key_id: str = typer.Option(..., help="id of the new key, e.g. k2"),
                      batch: int = typer.Option(1000, help="rows per transaction")) -> None:
    """Re-wrap every person's data key (the registry's, and the stations' case keys) under the master key in
    $NEW_MASTER_KEY (base64, 32 bytes). The current key comes from the settings (XQ_MASTER_KEY,
    XQ_MASTER_KEY_ID). Stop the registry and the stations service first."""
    import asyncio
    import base64
    import os

    from chassis.keys import master_key
    from chassis.keystore import SEALING_SERVICES, store_of

    from .rotate import rewrap

    settings = Settings()
    raw = os.environ.get("NEW_MASTER_KEY", "")
    try:
        new_key = base64.b64decode(raw, validate=True)
    except ValueError:
        new_key = b""
    if len(new_key) != 32:
        fail("NEW_MASTER_KEY must be 32 random bytes, base64-encoded (head -c32 /dev/urandom | base64)")
    try:
        count = sum(asyncio.run(rewrap(settings.database_url(settings.database(store_of(service))), master_key(settings),
                                       settings.master_key_id, new_key, new_key_id, batch=batch))
                    for service in SEALING_SERVICES)  # their key stores (chassis/keystore.py)
    except ValueError as exc:
        fail(str(exc))
    console.print(f"re-wrapped {count} data keys under {new_key_id}; now set XQ_MASTER_KEY and "
                  f"XQ_MASTER_KEY_ID={new_key_id} and start the registry and the stations service")


@app.command()
def backup(list_: bool = typer.Option(False, "--list", help="list what is kept instead of backing up")) -> None:
    """A base backup of every store now (PostgreSQL running), then the retention (docs/RUNBOOK.md, "Backups")."""
    from .backups.background import take_backup
    from .backups.commands import listing

    settings = Settings()
    try:
        for line in listing(settings) if list_ else [take_backup(settings)]:
            print(line)
    except RuntimeError as exc:
        fail(str(exc))


@app.command()
def restore(to: str = typer.Option("latest", "--to", help="latest, or an ISO time (UTC unless it says otherwise)"),
            recovered: bool = typer.Option(False, "--recovered", help="the cluster was already recovered elsewhere "
                                           "(production: CloudNativePG from object storage); do only the rest")) -> None:
    """Restore every store to one recovery point, apply the erasure ledger again, rebuild topics and read
    models (the stack stopped; docs/RUNBOOK.md, "Backups and restore")."""
    from .backups.commands import after_recovery
    from .backups.commands import restore as do_restore

    try:
        if recovered:
            after_recovery(Settings(), console)
        else:
            do_restore(Settings(), to, console)
    except (RuntimeError, ValueError, LaunchError) as exc:
        fail(str(exc))


@app.command()
def districts() -> None:
    """List the 16 district codes."""
    for code, name in DISTRICTS.items():
        print(code, name)


@app.command()
def rebuild(republish: list[str] = typer.Option([], "--republish", help="service whose event store is published "
                                                "again (repeatable): registry, branches, stations"),
            reset: list[str] = typer.Option([], "--reset", help="read models to empty and replay: gateway "
                                            "(stop it first; start it after)")) -> None:
    """Disaster recovery: rebuild Kafka topics and read models from the event stores (docs/RUNBOOK.md)."""
    import asyncio

    from .rebuild import CannotRebuild, reset_gateway
    from .rebuild import republish as do_republish

    settings = Settings()
    if not republish and not reset:
        fail("nothing to do: give --republish SERVICE and/or --reset gateway")
    if set(reset) - {"gateway"}:
        fail(f"--reset knows only the gateway's read models, not {', '.join(sorted(set(reset) - {'gateway'}))}")
    try:
        for service in republish:
            n = asyncio.run(do_republish(settings, service))
            console.print(f"{service}: {n} events queued for publishing again")
        if reset:
            names = asyncio.run(reset_gateway(settings))
            console.print(f"gateway: read models emptied ({', '.join(names)}); start the gateway to replay")
    except CannotRebuild as exc:
        fail(str(exc))


dead_letters_app = typer.Typer(help="Messages the consumers could not read (docs/RUNBOOK.md).",
                               invoke_without_command=True)
app.add_typer(dead_letters_app, name="dead-letters")


@dead_letters_app.callback()
def dead_letters(ctx: typer.Context,
                 service: list[str] = typer.Option([], "--service", help="consumer whose dead letters to list "
                                                   "(repeatable): gateway, branches, stations, partners")) -> None:
    """List the dead letters of every consumer (or of --service): where, what kind, why, replayed or not."""
    import asyncio

    from .dead_letters import CONSUMERS, listing

    if ctx.invoked_subcommand is not None:
        return
    unknown = set(service) - set(CONSUMERS)
    if unknown:
        fail(f"no consumer named {', '.join(sorted(unknown))}: one of {', '.join(CONSUMERS)}")
    letters = asyncio.run(listing(Settings(), service or list(CONSUMERS)))
    table = Table("id", "projection", "kind", "reason", "topic/partition@offset", "event", "recorded", "replayed")
    for d in letters:
        table.add_row(d.ref, d.projection, d.kind, d.reason, f"{d.topic}/{d.partition}@{d.offset}",
                      f"{d.event_type or '-'} {d.stream or ''}", f"{d.recorded_at:%Y-%m-%d %H:%M:%S}",
                      f"{d.replayed_at:%Y-%m-%d %H:%M:%S}" if d.replayed_at else "")
    console.print(table if letters else "没有死信")


@dead_letters_app.command("replay")
def replay_dead_letter(ref: str = typer.Argument(..., help="the dead letter's id as listed, e.g. gateway/12")) -> None:
    """Apply one dead letter through its projection after a fix (once: a replayed one is refused)."""
    import asyncio

    from .dead_letters import CannotReplay, replay

    try:
        console.print(asyncio.run(replay(Settings(), ref)))
    except CannotReplay as exc:
        fail(str(exc))


def main() -> None:
    try:
        app()
    except LaunchError as exc:
        console.print(f"[bold red]xinqing:[/] {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()
