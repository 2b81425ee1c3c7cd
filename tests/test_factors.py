"""Tests for workbench.factors: hand-counted text factors, picks, families and bins."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench import factors

MARKDOWN = """# Plan
Some **bold** text and __more bold__.

- first
* second
  + nested
1. one
2) two

```python
print("hi")
```
See [docs](https://example.org) or https://example.com/x.
"""


def test_text_factors_hand_counted():
    f = factors.text_factors(pd.Series([MARKDOWN, "I'm sorry, but as an AI I cannot help."]))
    row = f.iloc[0]
    # counted by hand: 1 heading; 5 list items (-, *, nested +, 1., 2)); 2 bold spans;
    # 1 fenced block (2 fences); 2 links (one markdown link, one bare URL)
    assert (row["headings"], row["list_items"], row["bold"], row["code_blocks"], row["links"]) == (
        1,
        5,
        2,
        1,
        2,
    )
    assert row["chars"] == len(MARKDOWN)
    assert row["words"] == len(MARKDOWN.split())
    assert not row["refusal"]
    assert bool(f.iloc[1]["refusal"])


def test_text_factors_not_fooled_by_inline_markers():
    f = factors.text_factors(pd.Series(["a - b * c 3. d # e", "x**y", "####### seven"]))
    assert f["list_items"].tolist() == [0, 0, 0]  # markers not at line start
    assert f["bold"].tolist() == [0, 0, 0]
    assert f["headings"].tolist() == [0, 0, 0]  # more than 6 hashes is not a heading


def test_item_factors_one_row_per_item_and_differences():
    df = pd.DataFrame(
        {
            "dataset": ["t"] * 4,
            "item_id": ["1", "1", "2", "2"],
            "rater": ["h", "j", "h", "j"],
            "response_a": ["a b c", "a b c", "- x\n- y", "- x\n- y"],
            "response_b": ["d", "d", "I apologize", "I apologize"],
            "model_a": ["gpt-4", "gpt-4", "claude-v1", "claude-v1"],
            "model_b": ["vicuna-13b"] * 4,
        }
    )
    f = factors.item_factors(df)
    assert len(f) == 2
    assert f["words_diff"].tolist() == [2, 2]  # 3 - 1; 4 - 2
    assert f["list_items_diff"].tolist() == [0, 2]
    assert f["refusal_diff"].tolist() == [0, -1]  # only B of item 2 refuses
    assert f["family_a"].tolist() == ["openai", "anthropic"]
    merged = factors.add_factors(df)
    assert len(merged) == len(df) and merged["words_diff"].tolist() == [2, 2, 2, 2]


def test_item_factors_invariant_to_row_order():
    df = pd.DataFrame(
        {
            "dataset": ["t"] * 3,
            "item_id": ["1", "2", "3"],
            "response_a": ["a", "a b", "a b c"],
            "response_b": ["x y", "x", "x"],
        }
    )
    a = factors.item_factors(df).set_index("item_id").sort_index()
    b = factors.item_factors(df.iloc[::-1]).set_index("item_id").sort_index()
    pd.testing.assert_frame_equal(a, b)


def test_item_factors_missing_column_raises():
    with pytest.raises(ValueError, match="item_id"):
        factors.item_factors(pd.DataFrame({"dataset": ["t"]}))


def test_picked_longer_and_first():
    df = pd.DataFrame(
        {
            "label": ["A", "B", "B", "tie", None],
            "order": ["AB", "AB", "BA", "BA", "AB"],
            "response_a": ["a b", "a b", "a", "a", "a b"],
            "response_b": ["c", "c", "c d", "c d", "c"],
        }
    )
    assert factors.picked_longer(df).tolist() == [True, False, True, pd.NA, pd.NA]
    assert factors.picked_first(df).tolist() == [True, False, True, pd.NA, pd.NA]
    with pytest.raises(ValueError, match="unit"):
        factors.picked_longer(df, unit="tokens")


def test_picked_side_hand_example():
    # A has more (diff > 0) and A picked -> True; B picked -> False; A picked but B has more
    # -> False; B picked, B has more -> True; tie, equal sides, NA diff, unparsed -> NA.
    label = pd.Series(["A", "B", "A", "B", "tie", "A", "A", None], index=list("abcdefgh"))
    diff = [3, 3, -2, -2, 1, 0, np.nan, 1]
    got = factors.picked_side(label, diff)
    assert got.tolist() == [True, False, False, True, pd.NA, pd.NA, pd.NA, pd.NA]
    assert list(got.index) == list("abcdefgh") and str(got.dtype) == "boolean"
    df = pd.DataFrame({"label": label.to_numpy(), "words_diff": diff})
    assert factors.picked_longer(df).tolist() == got.tolist()  # picked_longer is picked_side


def test_model_family_arena_and_judges():
    arena = [
        "gpt-4",
        "gpt-3.5-turbo",
        "claude-v1",
        "claude-instant-v1",
        "palm-2",
        "vicuna-13b",
        "fastchat-t5-3b",
    ]
    assert factors.model_family(arena).tolist() == [
        "openai",
        "openai",
        "anthropic",
        "anthropic",
        "google",
        "meta",
        "google",
    ]
    judges = [
        "gpt-4-0125-preview",
        "claude-3-opus-20240229",
        "gpt-3.5-turbo",
        "GPT-4/Vanilla",
        "JudgeLM",
    ]
    assert factors.model_family(judges).tolist() == [
        "openai",
        "anthropic",
        "openai",
        "openai",
        "judgelm",
    ]
    # LLMFAO names with spaces; GPT-NeoXT is EleutherAI, not OpenAI
    assert factors.model_family(
        ["GPT 4", "Claude v2", "GPT-NeoXT-Chat-Base (20B)", "PaLM 2 Bison"]
    ).tolist() == ["openai", "anthropic", "eleutherai", "google"]


def test_length_diff_bins_edges_and_validation():
    df = pd.DataFrame({"words_diff": [0, 9, 10, -49, 50, 149, 150, np.nan]})
    assert factors.length_diff_bins(df).astype(object).where(
        lambda s: s.notna(), None
    ).tolist() == [
        "[0, 10)",
        "[0, 10)",
        "[10, 50)",
        "[10, 50)",
        "[50, 150)",
        "[50, 150)",
        "[150, inf)",
        None,
    ]
    signed = factors.length_diff_bins(df, edges=[-np.inf, 0, np.inf], absolute=False)
    assert signed.astype(str).tolist()[:4] == ["[0, inf)", "[0, inf)", "[0, inf)", "[-inf, 0)"]
    with pytest.raises(ValueError, match="edges"):
        factors.length_diff_bins(df, edges=[5, 1])
    with pytest.raises(ValueError, match="words_diff"):
        factors.length_diff_bins(pd.DataFrame({"x": [1]}))


def test_quantile_bins_equal_counts():
    b = factors.quantile_bins(pd.Series(range(100)), q=4)
    assert b.value_counts().tolist() == [25, 25, 25, 25]


def test_model_family_of_pandalms_base_models():
    # PandaLM's five models (Wang et al. 2023, Table 1): Cerebras-GPT is Cerebras's own
    # pretraining, not OpenAI's, whatever its name; BLOOM is BigScience's; OPT is Meta's.
    names = [
        "cerebras-gpt-6.7B",
        "bloom-7b",
        "opt-7b",
        "llama-7b",
        "pythia-6.9b",
        "gpt-4",
        "adopt-x",
    ]
    assert factors.model_family(names).tolist() == [
        "cerebras", "bigscience", "meta", "meta", "eleutherai", "openai", pd.NA,
    ]  # fmt: skip


def test_text_factors_of_repeated_texts_equal_row_by_row():
    # repeated texts are measured once and taken back: same values, dtypes, index and NAs
    texts = pd.Series(
        ["# T\n1. a", "hello **world**", None, "hello **world**", "# T\n1. a", None],
        index=[5, 4, 3, 2, 1, 0],
        dtype="string",
    )
    once = factors.text_factors(texts)
    rows = pd.concat([factors.text_factors(texts.iloc[[i]]) for i in range(len(texts))])
    pd.testing.assert_frame_equal(once, rows)
    assert once.loc[4, "bold"] == 1 and once.loc[5, "headings"] == 1
    assert once.loc[[3, 0]].isna().all().all()
