"""Units, money and counts: one way of writing each, checked against values worked by hand."""

from __future__ import annotations

import math

import pytest

from advisor import units


def test_bits_and_nats_convert_by_the_natural_log_of_two():
    # One bit is ln 2 nats; log2(e) bits is one nat.
    assert units.nats_to_bits(math.log(2.0)) == pytest.approx(1.0)
    assert units.nats_to_bits(1.0) == pytest.approx(math.log2(math.e))
    assert units.bits_to_nats(8.0) == pytest.approx(8 * math.log(2.0))
    for nats in (0.0, 0.3, 2.5, 17.0):
        assert units.info_from(units.info_in(nats, "bits"), "bits") == pytest.approx(nats)
        assert units.info_in(nats, "nats") == nats


def test_info_text_and_unknown_unit():
    assert units.info_text(math.log(2.0) * 3.21, "bits") == "3.210"
    assert units.info_text(2.0, "nats", digits=2) == "2.00"
    with pytest.raises(ValueError, match="bits or nats"):
        units.info_in(1.0, "shannons")  # type: ignore[arg-type]


def test_bits_text_keeps_two_significant_digits_for_tiny_amounts():
    assert units.bits_text(math.log(2.0) * 1.234) == "1.23"
    assert units.bits_text(math.log(2.0) * 0.00123) == "0.0012"
    assert units.bits_text(0.0) == "0.00"


@pytest.mark.parametrize(("amount", "currency", "text"), [
    (1240.4, "USD", "$1,240"),
    (86.4, "usd", "$86.40"),
    (-12.5, "EUR", "-€12.50"),
    (1240.0, "CHF", "1,240 CHF"),
    (99.995, "GBP", "£100"),  # 100.00 to the cent, so whole pounds
    (99.994, "GBP", "£99.99"),
    (12937.499999999998, "USD", "$12,938"),  # a sum's rounding noise: 12,937.50 to the cent
    (4312.5, "USD", "$4,313"), (-4312.5, "USD", "-$4,313"),  # halves away from zero, not to even
    (-0.001, "USD", "$0.00"),
])
def test_money_is_written_as_people_write_it(amount, currency, text):
    assert units.money(amount, currency) == text


def test_amounts_counts_and_signs():
    assert units.amount_text(1240.4) == "1,240"
    assert units.amount_text(5.5) == "5.50"
    assert units.signed_amount_text(-1240.4) == "−1,240"
    assert units.signed_amount_text(3.25) == "+3.25"
    assert units.signed_amount_text(0.001) == "0"
    assert units.signed_amount_text(4312.5) == "+4,313" and units.signed_amount_text(-4312.5) == "−4,313"
    assert units.amount_text(math.inf) == "∞"
    # Past 28 digits Decimal's default precision refused the rounding ("compromise --budget 1e30").
    assert units.amount_text(1e30) == f"{10**30:,}" and units.signed_amount_text(-1e30) == f"−{10**30:,}"
    assert units.money(1.7e308, "USD").startswith("$170,000,000,")
    assert units.count_text(12400.4) == "12,400"
    assert units.count_text(None, "none suffices") == "none suffices"
    assert units.signed_text(-0.125, 3) == "−0.125"
    assert units.signed_text(0.125, 3) == "+0.125"
    # A value that rounds to zero has no sign (Python writes -0.004 as "-0.0").
    assert f"{-0.004:+.1f}" == "-0.0" and units.signed_text(-0.004, 1) == "0.0"
    assert units.signed_text(0.0, 2) == "0.00"
    assert units.signed_count_text(1240) == "+1,240" and units.signed_count_text(-86) == "−86"
    assert units.signed_count_text(0) == "0"
    assert units.with_minus("-0.125") == "−0.125"
    assert units.with_minus("0.125") == "0.125"


@pytest.mark.parametrize("value, text", [(1, "1 rater"), (0, "0 raters"), (3, "3 raters"), (1500, "1,500 raters")])
def test_a_count_takes_the_plural_unless_it_is_one(value, text):
    assert units.counted(value, "rater") == text


def test_no_message_writes_a_plural_in_brackets():
    """'3 rater(s) × 157.8 s' in the optimiser's status line, solve-for, reports and the command line."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = [p for folder in ("advisor", "ui") for p in (root / folder).rglob("*.py")]
    assert sources
    assert [str(p) for p in sources if "rater(s)" in p.read_text(encoding="utf-8")] == []
