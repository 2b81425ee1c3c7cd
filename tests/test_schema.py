"""schema.conform: the fast paths (categorical inputs, shared all-NA columns) give the
same table as plain casts; the dense-code helpers equal numpy's sort-based ones."""

import numpy as np
import pandas as pd
import pytest

from workbench import schema
from workbench.errors import SchemaError
from workbench.stats.bootstrap import item_sums, unique_codes


def _rows(n: int = 6) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dataset": ["d1", "d2"] * (n // 2),
            "item_id": [str(i // 2) for i in range(n)],
            "protocol": ["pairwise"] * n,
            "criterion": ["overall"] * n,
            "rater": ["human", "judge"] * (n // 2),
            "rater_kind": ["human", "llm"] * (n // 2),
            "order": [None, "AB"] * (n // 2),
            "label": ["A", "B", None, "tie", "A", "A"][:n],
            "turn": [1, 2, 1, 2, 1, 2][:n],
        }
    )


def test_conform_of_categorical_columns_equals_conform_of_plain_columns():
    plain = _rows()
    coded = plain.astype({c: "category" for c in ["dataset", "criterion", "rater", "label"]})
    coded["turn"] = coded["turn"].astype("category")  # numeric categories -> Int64
    a, b = schema.conform(plain), schema.conform(coded)
    pd.testing.assert_frame_equal(a, b)
    assert b["label"].isna().tolist() == [False, False, True, False, False, False]
    assert b["label"].dropna().tolist() == ["A", "B", "tie", "A", "A"]
    assert str(b["dataset"].dtype) == "string" and str(b["turn"].dtype) == "Int64"
    schema.validate(b)


def test_conform_all_na_columns_are_independent_and_typed():
    out = schema.conform(_rows())
    assert out["prompt"].isna().all() and out["response"].isna().all()
    assert out["score"].dtype == "Float64" and str(out["prompt"].dtype) == "string"
    out.loc[0, "prompt"] = "hello"  # the all-NA columns share one array: copy on write
    assert out["prompt"].tolist()[:2] == ["hello", pd.NA]
    assert out["response"].isna().all() and out["explanation"].isna().all()


def test_conform_categorical_with_unknown_used_value_raises_and_unused_is_dropped():
    df = _rows()
    df["label"] = pd.Categorical(df["label"], categories=["A", "B", "tie", "maybe"])
    assert schema.conform(df)["label"].tolist() == schema.conform(_rows())["label"].tolist()
    df.loc[1, "label"] = "maybe"
    with pytest.raises(SchemaError, match=r"row 1: field 'label': 'maybe'"):
        schema.conform(df)


@pytest.mark.parametrize(
    "ids",
    [
        np.array([4, 1, 4, 0, 9, 1]),
        np.random.default_rng(0).integers(0, 50, size=200),
        np.array([10**9, 3, 10**9]),  # sparse: numpy's path
        np.array([-2, 5, -2]),  # negative: numpy's path
        np.array(["b", "a", "b"]),
    ],
)
def test_unique_codes_equals_numpy_unique(ids):
    labels, codes = unique_codes(ids)
    want_labels, want_codes = np.unique(ids, return_inverse=True)
    assert labels.tolist() == want_labels.tolist() and codes.tolist() == want_codes.tolist()


def test_item_sums_bincount_equals_per_item_loop():
    rng = np.random.default_rng(1)
    items = rng.integers(0, 30, size=300)
    c = rng.normal(size=(300, 5))
    sums, labels = item_sums(c, items)
    want = np.array([c[items == i].sum(axis=0) for i in np.unique(items)])
    assert labels.tolist() == np.unique(items).tolist()
    np.testing.assert_allclose(sums, want, rtol=0, atol=1e-12)
    # string identifiers go the sorted path: same sums
    s2, l2 = item_sums(c, np.char.add("q", items.astype(str)))
    order = np.argsort(np.char.add("q", np.unique(items).astype(str)))
    np.testing.assert_allclose(s2, want[order], rtol=0, atol=1e-12)
