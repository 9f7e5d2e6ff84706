"""`xinqing measures load FILE`: the league office's measures file, checked here line by line, then sent
to the branches service, which records every change as events (services/branches/plan.py)."""
from __future__ import annotations

from pathlib import Path

import httpx
import typer
from rich.console import Console

from chassis.auth import issue_token
from chassis.keys import jwt_private_key
from chassis.settings import Settings
from services.branches.plan import PlanError, plan_body, read_plan

app = typer.Typer(help="The 22 measures of the joint meeting.", no_args_is_help=True)
console = Console(soft_wrap=True)


@app.command("load")
def load(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="the measures file (YAML)"),
         check: bool = typer.Option(False, "--check", help="only check the file; send nothing"),
         token: str | None = typer.Option(None, envvar="XQ_TOKEN", help="bearer token of the league office "
                                          "(default: a development city-wide admin token)")) -> None:
    """Check FILE (5 areas, 22 measures, one existing lead department each, dates) and load it: every
    change is recorded as an event, so the plan's history is kept."""
    try:
        plan = read_plan(file)
    except PlanError as exc:
        for problem in exc.problems:
            console.print(f"[red]{file}[/] {problem}", highlight=False)
        console.print(f"[bold red]未载入：{len(exc.problems)} 处错误[/]")
        raise typer.Exit(2) from None
    label = "（示例标题）" if plan.examples else "（正式清单）"
    if check:
        console.print(f"{file}：{len(plan.measures)} 条措施，检查通过{label}")
        return
    settings = Settings()
    if token is None:
        token = issue_token(jwt_private_key(settings), settings, roles=["admin"], subject="measures-load")
    try:
        answer = httpx.post(f"{settings.service_url('branches')}/measures/plan", json=plan_body(plan), timeout=60,
                            headers={"authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        console.print(f"[bold red]xinqing:[/] 团组织服务无法访问：{exc}")
        raise typer.Exit(1) from None
    if answer.status_code != 200:
        console.print(f"[bold red]未载入[/]（{answer.status_code}）：{answer.text}")
        raise typer.Exit(1)
    body = answer.json()
    changed = "、".join(body["measuresChanged"]) or "无"
    console.print(f"已载入{label}：{body['changes']} 处变化，涉及措施 {changed}")
