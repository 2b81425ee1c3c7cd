"""Each vocabulary of workbench.vocab is declared twice (a tuple for checks, a Literal for type
hints); they must hold the same words in the same order."""

from __future__ import annotations

from typing import Literal, get_args, get_origin

import pytest

from workbench import vocab

PAIRS = {
    "PROTOCOLS": "Protocol",
    "RATER_KINDS": "RaterKind",
    "ORDERS": "Order",
    "RULES": "Rule",
    "CORRECTIONS": "Correction",
    "CAUSES": "Cause",
}


@pytest.mark.parametrize(("values", "alias"), PAIRS.items())
def test_vocab_tuple_equals_literal_args(values, alias):
    assert getattr(vocab, values) == get_args(getattr(vocab, alias))


def test_vocab_every_literal_has_its_tuple():
    literals = {n for n in vocab.__all__ if get_origin(getattr(vocab, n)) is Literal}
    assert literals == set(PAIRS.values())


def test_vocab_labels_are_the_pairwise_then_binary_labels():
    assert vocab.LABELS == vocab.PAIRWISE_LABELS + vocab.BINARY_LABELS
    assert len(set(vocab.LABELS)) == len(vocab.LABELS)


def test_vocab_reexported_under_the_old_names():
    from workbench import slicing, verdicts

    assert verdicts.RULES is vocab.RULES
    assert slicing.CORRECTIONS is vocab.CORRECTIONS and slicing.Correction is vocab.Correction
