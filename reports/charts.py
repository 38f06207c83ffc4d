"""Charts drawn on the server as SVG geometry (the templates draw the shapes; a table sits beside each)."""

from dataclasses import dataclass, field

from indicators.models import Status

STATUS_ORDER = [Status.DONE, Status.ON_TRACK, Status.AT_RISK, Status.LATE, Status.NO_DATA, Status.NOT_STARTED]
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 150
PLOT_WIDTH = 420


@dataclass
class Segment:
    status: str
    count: int
    percent: float
    x: float
    width: float

    @property
    def label(self):
        return Status(self.status).label


@dataclass
class Bar:
    label: str
    total: int
    y: float
    segments: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def cells(self):
        """(count, % of the bar) per status, in legend order, for the table beside the chart."""
        return [(count, round(100 * count / self.total) if self.total else 0) for count in self.counts.values()]


@dataclass
class StackedBars:
    """100 % stacked horizontal bars: one bar per label, one segment per status."""

    bars: list
    height: int
    width: int = LABEL_WIDTH + PLOT_WIDTH + 10
    label_width: int = LABEL_WIDTH
    statuses: list = field(default_factory=lambda: list(STATUS_ORDER))

    @property
    def legend(self):
        return [(s, Status(s).label) for s in self.statuses]


def stacked_bars(counts_by_label):
    """``counts_by_label``: ``[(label, {status: count})]`` → ``StackedBars``."""
    bars = []
    for i, (label, counts) in enumerate(counts_by_label):
        total = sum(counts.values())
        bar = Bar(label=str(label), total=total, y=i * (BAR_HEIGHT + BAR_GAP),
                  counts={s: counts.get(s, 0) for s in STATUS_ORDER})
        x = float(LABEL_WIDTH)
        for status in STATUS_ORDER:
            count = counts.get(status, 0)
            if not count:
                continue
            width = PLOT_WIDTH * count / total
            bar.segments.append(Segment(status, count, round(100 * count / total, 1), round(x, 2), round(width, 2)))
            x += width
        bars.append(bar)
    return StackedBars(bars=bars, height=max(1, len(bars)) * (BAR_HEIGHT + BAR_GAP))


@dataclass
class Column:
    label: str
    scheduled: int
    reported: int
    x: float
    scheduled_y: float
    scheduled_h: float
    reported_y: float
    reported_h: float


@dataclass
class Timeline:
    columns: list
    width: int
    height: int
    base: int
    column_width: int
    bar_width: int
    maximum: int


def timeline(points, plot_height=140, column_width=46):
    """``points``: ``[(quarter label, scheduled, reported)]`` → paired vertical bars per quarter."""
    maximum = max([max(s, r) for _label, s, r in points] + [1])
    bar_width = (column_width - 10) // 2
    top = 14
    columns = []
    for i, (label, scheduled, reported) in enumerate(points):
        x = 30 + i * column_width
        sh = plot_height * scheduled / maximum
        rh = plot_height * reported / maximum
        columns.append(Column(str(label), scheduled, reported, x, round(top + plot_height - sh, 2), round(sh, 2),
                              round(top + plot_height - rh, 2), round(rh, 2)))
    return Timeline(columns=columns, width=40 + max(1, len(points)) * column_width, height=top + plot_height + 34,
                    base=top + plot_height, column_width=column_width, bar_width=bar_width, maximum=maximum)
