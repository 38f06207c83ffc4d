"""The parsed tree: what the importer read, before anything is saved."""

from dataclasses import dataclass, field


@dataclass(slots=True)  # one a row or more: slots make them quicker to build and read
class ParsedIndicator:
    text: str
    kind: str = "text"
    target: object = None  # Decimal or None
    baseline: object = None
    unit: str = ""
    means_of_verification: str = ""
    code: str = ""
    ref: str = ""  # "Plan!C14"
    targets: list = field(default_factory=list)  # phased targets [((year, quarter), Decimal)]


@dataclass(slots=True)
class ParsedActor:
    name: str
    role: str = "lead"  # lead | support
    note: str = ""


@dataclass(slots=True)
class ParsedActivity:
    title: str
    code: str = ""
    level: str = ""
    place: str = ""
    resources: str = ""
    status: str = "planned"
    period_text: str = ""
    quarters: list = field(default_factory=list)  # [(year, number)]
    months: list = field(default_factory=list)  # ["2019-03"]
    continuous: bool = False
    actors: list = field(default_factory=list)  # [ParsedActor]
    indicators: list = field(default_factory=list)
    ref: str = ""
    explicit_code: bool = False


@dataclass
class ParsedResult:
    title: str
    code: str = ""
    activities: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    ref: str = ""


@dataclass
class ParsedObjective:
    title: str
    code: str = ""
    level: str = "objective"  # axis | general | objective
    objectives: list = field(default_factory=list)
    results: list = field(default_factory=list)
    activities: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    ref: str = ""


@dataclass
class ParsedPlan:
    title: str = ""
    source_name: str = ""
    file_kind: str = ""
    objectives: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    unknown_columns: list = field(default_factory=list)
    columns: list = field(default_factory=list)  # every header column: sheet, header_row, index, label, field, samples
    start: tuple | None = None  # (year, quarter)
    end: tuple | None = None

    # --- walking the tree ----------------------------------------------------------
    def all_objectives(self):
        stack = list(reversed(self.objectives))
        while stack:
            objective = stack.pop()
            yield objective
            stack.extend(reversed(objective.objectives))

    def all_results(self):
        for objective in self.all_objectives():
            yield from objective.results

    def all_activities(self):
        for objective in self.all_objectives():
            yield from objective.activities
            for result in objective.results:
                yield from result.activities

    def all_indicators(self):
        for objective in self.all_objectives():
            yield from objective.indicators
            for result in objective.results:
                yield from result.indicators
                for activity in result.activities:
                    yield from activity.indicators
            for activity in objective.activities:
                yield from activity.indicators

    def counts(self):
        objectives = list(self.all_objectives())
        return {
            "objectives": sum(1 for o in objectives if o.level == "objective"),
            "axes": sum(1 for o in objectives if o.level == "axis"),
            "general": sum(1 for o in objectives if o.level == "general"),
            "results": sum(1 for _ in self.all_results()),
            "activities": sum(1 for _ in self.all_activities()),
            "indicators": sum(1 for _ in self.all_indicators()),
        }
