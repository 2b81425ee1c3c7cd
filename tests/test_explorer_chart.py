"""The explorer's bars: n at each bar's foot, hatching under 10 items, no repeated colour."""

from __future__ import annotations

import pandas as pd

from workbench.explorer.chart import FEW_ITEMS, MAX_SERIES, bar_traces, judge_series


def table(n_judges: int, n_items: int = 40) -> pd.DataFrame:
    rows = [
        dict(slice="overall", judge=f"j{i}", estimate=0.5, ci_low=0.4, ci_high=0.6,
             n_items=n_items if i else 3, is_ceiling=False, note="")
        for i in range(n_judges)
    ]  # fmt: skip
    rows.append(
        dict(slice="overall", judge="human ceiling", estimate=0.8, ci_low=0.7, ci_high=0.9,
             n_items=n_items, is_ceiling=True, note="")
    )  # fmt: skip
    return pd.DataFrame(rows)


def test_bars_carry_n_and_hatch_the_few():
    traces = bar_traces(table(2))
    assert [t.text for t in traces] == [("n=3",), ("n=40",), ("n=40",)]
    assert traces[0].marker.pattern.shape == ("/",)  # 3 < FEW_ITEMS items
    assert traces[1].marker.pattern.shape == ("",) and FEW_ITEMS == 10


def test_many_judges_never_repeat_a_colour():
    t = table(MAX_SERIES + 3)
    traces = bar_traces(t)
    colours = [tr.marker.color for tr in traces if tr.name != "human ceiling"]
    assert len(colours) == MAX_SERIES == len(set(colours))
    assert traces[-1].name == "human ceiling"
    assert judge_series(t)[1] == [f"j{i}" for i in range(MAX_SERIES, MAX_SERIES + 3)]
