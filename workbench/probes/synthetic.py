"""Synthetic judges with a known amount of sample noise or miscalibration, seeded.

No staged dataset records repeated runs of a judge or the judge's probability of its verdict;
until a user brings such data, these tables demonstrate :func:`~workbench.probes.self_consistency`
and :func:`~workbench.probes.calibration` on judges whose true values are known (each
function's docstring gives them).

Examples
--------
>>> runs = repeated_runs(n_items=4, flip=0.0, n_samples=2, seed=0)
>>> runs.groupby("rater")["sample"].nunique().to_dict()
{'human': 1, 'judge': 2}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema

__all__ = ["repeated_runs", "stated_confidence"]


def _table(records: list[dict], protocol: str) -> pd.DataFrame:
    df = pd.DataFrame(records).assign(dataset="synthetic", protocol=protocol, criterion="overall")
    df["rater_kind"] = np.where(df["rater"] == "human", "human", "llm")
    return schema.validate(schema.conform(df, name="synthetic"), name="synthetic")


def repeated_runs(
    *, n_items: int = 300, flip: float = 0.15, n_samples: int = 3, seed: int = 0
) -> pd.DataFrame:
    """Binary items, a human who gives the truth, and a judge sampled ``n_samples`` times.

    Each sample flips the true label independently with probability ``flip``; so two samples
    differ with probability ``2 flip (1 - flip)``, one sample agrees with the human with
    probability ``1 - flip`` and Krippendorff's alpha across samples is about
    ``1 - 4 flip (1 - flip)``.
    """
    rng = np.random.default_rng(seed)
    truth = rng.random(n_items) < 0.5
    word = np.array(["incorrect", "correct"], dtype=object)
    recs = [
        {"item_id": str(i), "rater": "human", "label": word[int(t)]} for i, t in enumerate(truth)
    ]
    for k in range(n_samples):
        said = truth != (rng.random(n_items) < flip)
        recs += [
            {"item_id": str(i), "rater": "judge", "label": word[int(s)], "sample": k}
            for i, s in enumerate(said)
        ]
    return _table(recs, "binary")


def stated_confidence(
    *, n_items: int = 1000, overconfidence: float = 0.15, seed: int = 0
) -> pd.DataFrame:
    """Binary items; two judges right with probability ``u ~ U(0.5, 1)`` per item.

    ``calibrated`` states ``u``; ``overconfident`` states ``min(u + overconfidence, 1)``
    (for 0.15 its mean confidence exceeds its accuracy by 0.1275 in expectation). The
    human gives the true label.
    """
    rng = np.random.default_rng(seed)
    u = rng.uniform(0.5, 1.0, n_items)
    recs = [{"item_id": str(i), "rater": "human", "label": "correct"} for i in range(n_items)]
    for name, shift in (("calibrated", 0.0), ("overconfident", overconfidence)):
        right = rng.random(n_items) < u
        recs += [
            {
                "item_id": str(i),
                "rater": name,
                "label": "correct" if r else "incorrect",
                "probability": min(p + shift, 1.0),
            }
            for i, (r, p) in enumerate(zip(right, u, strict=True))
        ]
    return _table(recs, "binary")
