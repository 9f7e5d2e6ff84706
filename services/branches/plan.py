"""The measures file (YAML) the league office maintains: the five areas, the 22 measures, their lead and
supporting departments, milestones and target dates. Read here into plain values, with every problem
named by its line, before anything is sent: `xinqing measures load FILE` prints them all and stops;
the service reads its shipped file (measures.yaml) the same way at start-up.

The file is composed, not loaded, so every value keeps its line number and stays a string (a date that
does not parse is an error here, not a silently different YAML type).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from chassis.reference import DEPARTMENTS

from .domain.measure import TITLE_MAX, Area, PlanMeasure, PlannedMilestone

SHIPPED = Path(__file__).with_name("measures.yaml")  # example titles until the official list is loaded
MEASURES = 22
_ID = "M{:02d}"


class PlanError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Plan:
    examples: bool  # the titles are examples (the shipped file), not the official list
    measures: tuple[PlanMeasure, ...]


def milestone_id(measure_id: str, key: str) -> str:
    """A planned milestone's id: stable across reloads, so a changed title or date is a revision."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"xinqing:measure:{measure_id}:{key}"))


@dataclass
class _Reader:
    problems: list[str] = field(default_factory=list)

    def bad(self, node: yaml.Node, message: str) -> None:
        self.problems.append(f"第 {node.start_mark.line + 1} 行：{message}")

    def mapping(self, node: yaml.Node, what: str) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.bad(node, f"{what} 应为映射（键: 值）")
            return None
        return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}

    def text(self, fields: dict[str, yaml.Node], key: str, parent: yaml.Node, what: str,
             required: bool = True) -> str | None:
        node = fields.get(key)
        if node is None:
            if required:
                self.bad(parent, f"{what} 缺少 {key}")
            return None
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            self.bad(node, f"{what} 的 {key} 应为非空文本")
            return None
        return str(node.value).strip()

    def day(self, fields: dict[str, yaml.Node], key: str, parent: yaml.Node, what: str,
            required: bool = True) -> date | None:
        raw = self.text(fields, key, parent, what, required)
        if raw is None:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.bad(fields[key], f"{what} 的 {key} 日期无法解析：{raw!r}（应为 YYYY-MM-DD）")
            return None

    def department(self, node: yaml.Node, what: str) -> str | None:
        code = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        if code not in DEPARTMENTS:
            self.bad(node, f"{what}：未登记的成员单位代码 {code!r}（见 chassis/departments.yaml）")
            return None
        return code


def _measure(r: _Reader, node: yaml.Node, placeholder: bool) -> PlanMeasure | None:
    fields = r.mapping(node, "措施")
    if fields is None:
        return None
    mid = r.text(fields, "id", node, "措施")
    what = f"措施 {mid or '?'}"
    area = r.text(fields, "area", node, what)
    if area is not None and area not in Area.__members__:
        r.bad(fields["area"], f"{what} 的领域 {area!r} 无效：应为 {'、'.join(Area)} 之一")
    title = r.text(fields, "title", node, what)
    if title is not None and len(title) > TITLE_MAX:
        r.bad(fields["title"], f"{what} 的标题超过 {TITLE_MAX} 个字符")
    lead_node = fields.get("lead")
    lead = None
    if lead_node is None:
        r.bad(node, f"{what} 缺少牵头单位 lead")
    elif not isinstance(lead_node, yaml.ScalarNode):
        r.bad(lead_node, f"{what} 只能有一个牵头单位（lead 应为一个单位代码）")
    else:
        lead = r.department(lead_node, f"{what} 的牵头单位")
    supporting: list[str] = []
    support_node = fields.get("supporting")
    if support_node is not None:
        if isinstance(support_node, yaml.SequenceNode):
            supporting = [c for n in support_node.value if (c := r.department(n, f"{what} 的配合单位"))]
        else:
            r.bad(support_node, f"{what} 的 supporting 应为单位代码的列表")
    if lead is not None and lead in supporting:
        r.bad(support_node or node, f"{what}：牵头单位不能同时是配合单位")
    target = r.day(fields, "target", node, what, required=False)
    milestones = _milestones(r, fields.get("milestones"), mid or "?", what)
    if mid is None or area is None or title is None or lead is None or milestones is None:
        return None
    return PlanMeasure(measure_id=mid, area=area, title=title, lead=lead, partners=tuple(supporting),
                       placeholder=placeholder, target_on=target, milestones=milestones)


def _milestones(r: _Reader, node: yaml.Node | None, mid: str, what: str) -> tuple[PlannedMilestone, ...] | None:
    if node is None:
        return ()
    if not isinstance(node, yaml.SequenceNode):
        r.bad(node, f"{what} 的 milestones 应为列表")
        return None
    found: list[PlannedMilestone] = []
    keys: set[str] = set()
    for item in node.value:
        fields = r.mapping(item, f"{what} 的节点")
        if fields is None:
            continue
        key, title = r.text(fields, "key", item, f"{what} 的节点"), r.text(fields, "title", item, f"{what} 的节点")
        due = r.day(fields, "due", item, f"{what} 的节点")
        if key in keys:
            r.bad(item, f"{what} 的节点 key {key!r} 重复")
        if key and title and due:
            keys.add(key)
            found.append(PlannedMilestone(milestone_id(mid, key), title, due))
    return tuple(found)


def parse_plan(text: str) -> Plan:
    """The plan in `text`, or PlanError listing every problem with its line."""
    r = _Reader()
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PlanError([f"第 {mark.line + 1 if mark else '?'} 行：YAML 格式错误（{getattr(exc, 'problem', exc)}）"]) \
            from None
    if root is None:
        raise PlanError(["第 1 行：文件为空"])
    top = r.mapping(root, "文件")
    if top is None:
        raise PlanError(r.problems)
    examples_node = top.get("examples")
    examples = isinstance(examples_node, yaml.ScalarNode) and examples_node.value.lower() == "true"
    if examples_node is None or not isinstance(examples_node, yaml.ScalarNode) \
            or examples_node.value.lower() not in ("true", "false"):
        r.bad(examples_node or root, "须写明 examples: true（标题为示例）或 examples: false（正式清单）")
    measures_node = top.get("measures")
    if not isinstance(measures_node, yaml.SequenceNode):
        r.bad(measures_node or root, "缺少措施列表 measures")
        raise PlanError(r.problems)
    measures = [m for n in measures_node.value if (m := _measure(r, n, examples))]
    _check_whole(r, measures_node, measures)
    if r.problems:
        raise PlanError(r.problems)
    return Plan(examples=examples, measures=tuple(measures))


def _check_whole(r: _Reader, node: yaml.Node, measures: list[PlanMeasure]) -> None:
    ids = [m.measure_id for m in measures]
    expected = [_ID.format(n) for n in range(1, MEASURES + 1)]
    if len(node.value) != MEASURES:
        r.bad(node, f"应有 {MEASURES} 条措施，文件中有 {len(node.value)} 条")
    elif not r.problems and sorted(ids) != expected:
        r.bad(node, f"措施编号应为 M01–M{MEASURES}，各一次（编号稳定，只改文字）")
    areas = {m.area for m in measures}
    if not r.problems and areas != set(Area.__members__):
        missing = "、".join(sorted(set(Area.__members__) - areas))
        r.bad(node, f"五个方面都须有措施：缺少 {missing}")


def read_plan(path: Path = SHIPPED) -> Plan:
    return parse_plan(path.read_text(encoding="utf-8"))


def plan_body(plan: Plan) -> dict[str, Any]:
    """The plan as the branches service's POST /measures/plan takes it (camelCase JSON)."""
    return {"examples": plan.examples, "measures": [
        {"id": m.measure_id, "area": m.area, "title": m.title, "lead": m.lead, "supporting": list(m.partners),
         "targetOn": m.target_on.isoformat() if m.target_on else None,
         "milestones": [{"id": s.milestone_id, "title": s.title, "dueOn": s.due_on.isoformat()}
                        for s in m.milestones]}
        for m in plan.measures]}
