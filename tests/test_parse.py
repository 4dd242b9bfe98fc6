"""The parser reads numbers and dates the way sources word them, and refuses the rest clearly."""

from datetime import date

import pytest

from dispstats.errors import InputError
from dispstats.model import vocab
from dispstats.model.countries import check_pcode_country, parse_country
from dispstats.model.dates import DateRef, format_dateref, parse_date, parse_dateref
from dispstats.model.fields import site_from_fields
from dispstats.model.parse import (
    Quantity,
    format_quantity,
    parse_choice,
    parse_coordinate,
    parse_quantity,
    parse_reliability,
    parse_url,
)

TODAY = date(2024, 1, 1)


@pytest.mark.parametrize(
    ("text", "low", "high", "quantifier"),
    [
        ("45000", 45000, 45000, "exact"),
        ("45,000", 45000, 45000, "exact"),
        ("45 000", 45000, 45000, "exact"),
        ("45\u202f000", 45000, 45000, "exact"),
        ("45'000", 45000, 45000, "exact"),
        ("0", 0, 0, "exact"),
        ("about 45,000", 45000, 45000, "about"),
        ("About 45,000", 45000, 45000, "about"),
        ("approximately 45,000", 45000, 45000, "about"),
        ("an estimated 45,000", 45000, 45000, "about"),
        ("some 85,000", 85000, 85000, "about"),
        ("~45k", 45000, 45000, "about"),
        ("45K", 45000, 45000, "exact"),
        ("1.5k", 1500, 1500, "exact"),
        ("2.25 million", 2_250_000, 2_250_000, "exact"),
        ("more than 20", 20, 20, "more_than"),
        ("over 1,000", 1000, 1000, "more_than"),
        ("at least 3,000", 3000, 3000, "at_least"),
        ("3,000+", 3000, 3000, "at_least"),
        ("3,000 or more", 3000, 3000, "at_least"),
        ("up to 500", 500, 500, "at_most"),
        ("fewer than 100", 100, 100, "fewer_than"),
        ("40,000-50,000", 40000, 50000, "exact"),
        ("40,000 – 50,000", 40000, 50000, "exact"),
        ("40–50k", 40000, 50000, "exact"),
        ("40k—50k", 40000, 50000, "exact"),
        ("500-2k", 500, 2000, "exact"),
        ("between 40,000 and 50,000", 40000, 50000, "exact"),
        ("40,000 to 50,000", 40000, 50000, "exact"),
        ("about 40-50k", 40000, 50000, "about"),
        ("70,000-70,000", 70000, 70000, "exact"),
    ],
)
def test_numbers_are_read_as_sources_word_them(text, low, high, quantifier):
    quantity, _ = parse_quantity(text)
    assert quantity == Quantity(low, high, quantifier)


def test_a_unit_named_in_the_value_is_returned():
    assert parse_quantity("about 3,000 households") == (Quantity(3000, 3000, "about"), "households")
    assert parse_quantity("45,000 people")[1] == "people"


@pytest.mark.parametrize(
    ("text", "expected_words"),
    [
        ("hundreds", "range"),
        ("thousands of people", "range"),
        ("several hundred", "range"),
        ("dozens", "unquantified"),
        ("-5", "negative"),
        ("−5", "negative"),
        ("50,000-40,000", "low end"),
        ("45.000", "ambiguous"),
        ("45.5", "whole numbers"),
        ("1.2345k", "whole number"),
        ("forty", "not a number"),
        ("45,00", "not a number"),
        ("", "no number"),
        ("   ", "no number"),
        ("12 apples", "not a number"),
    ],
)
def test_bad_numbers_are_refused_with_a_message_naming_the_value(text, expected_words):
    with pytest.raises(InputError) as refused:
        parse_quantity(text)
    message = str(refused.value)
    assert expected_words in message
    assert refused.value.field == "value"
    if text.strip():
        assert text in message


def test_vague_words_suggest_a_range_or_an_unquantified_report():
    with pytest.raises(InputError, match=r"--value '200-900'.*--unquantified"):
        parse_quantity("hundreds")


@pytest.mark.parametrize(
    "quantity",
    [
        Quantity(45000, 45000, "about"),
        Quantity(40000, 50000, "exact"),
        Quantity(20, 20, "more_than"),
        Quantity(0, 0, "exact"),
        Quantity(3000, 3000, "at_least"),
        Quantity(1, 2, "at_most"),
        Quantity(None, None, "unquantified"),
    ],
)
def test_formatted_quantities_read_back_the_same(quantity):
    assert parse_quantity(format_quantity(quantity))[0] == quantity


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2018-09-16", date(2018, 9, 16), date(2018, 9, 16), "day"),
        ("16 Sep 2018", date(2018, 9, 16), date(2018, 9, 16), "day"),
        ("16 September 2018", date(2018, 9, 16), date(2018, 9, 16), "day"),
        ("16th Sept. 2018", date(2018, 9, 16), date(2018, 9, 16), "day"),
        ("Sep 16, 2018", date(2018, 9, 16), date(2018, 9, 16), "day"),
        ("16/09/2018", date(2018, 9, 16), date(2018, 9, 16), "day"),
        ("01/02/2018", date(2018, 2, 1), date(2018, 2, 1), "day"),  # day first, documented
        ("16.09.2018", date(2018, 9, 16), date(2018, 9, 16), "day"),
        ("2018-09", date(2018, 9, 1), date(2018, 9, 30), "month"),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29), "month"),
        ("September 2018", date(2018, 9, 1), date(2018, 9, 30), "month"),
        ("2018-W38", date(2018, 9, 17), date(2018, 9, 23), "week"),
        ("2018w38", date(2018, 9, 17), date(2018, 9, 23), "week"),
        ("2020-W53", date(2020, 12, 28), date(2021, 1, 3), "week"),
        ("2018", date(2018, 1, 1), date(2018, 12, 31), "year"),
        ("2018-09-01..2018-09-16", date(2018, 9, 1), date(2018, 9, 16), "period"),
        ("2018-09 to 2018-W40", date(2018, 9, 1), date(2018, 10, 7), "period"),
    ],
)
def test_dates_months_weeks_and_periods_are_read(text, start, end, precision):
    assert parse_dateref(text, today=TODAY) == DateRef(start, end, precision)


@pytest.mark.parametrize(
    ("text", "expected_words"),
    [
        ("09/16/2018", "day first"),
        ("31/02/2018", "not a real date"),
        ("2018-13", "not a real date"),
        ("2018-W54", "not a real date"),
        ("16/09/18", "two-digit year"),
        ("1899-12-31", "before 1900"),
        ("2031-01-01", "in the future"),
        ("2024-02", "in the future"),
        ("yesterday", "not a date"),
        ("2018-09-16..2018-09-01", "ends before it starts"),
        ("", "no date"),
        ("16 Smarch 2018", "unknown month"),
    ],
)
def test_bad_dates_are_refused_with_a_message_naming_the_value(text, expected_words):
    with pytest.raises(InputError) as refused:
        parse_dateref(text, today=TODAY)
    assert expected_words in str(refused.value)
    if text:
        assert text in str(refused.value)


def test_the_current_month_is_accepted_though_it_has_not_ended():
    assert parse_dateref("2024-01", today=TODAY).precision == "month"


@pytest.mark.parametrize(
    "ref",
    [
        DateRef(date(2018, 9, 16), date(2018, 9, 16), "day"),
        DateRef(date(2018, 9, 1), date(2018, 9, 30), "month"),
        DateRef(date(2018, 9, 17), date(2018, 9, 23), "week"),
        DateRef(date(2018, 1, 1), date(2018, 12, 31), "year"),
        DateRef(date(2018, 9, 1), date(2018, 9, 16), "period"),
    ],
)
def test_formatted_dates_read_back_the_same(ref):
    assert parse_dateref(format_dateref(ref), today=TODAY) == ref


def test_a_single_day_is_required_for_publication_dates():
    assert parse_date("16 Sep 2018", today=TODAY) == date(2018, 9, 16)
    with pytest.raises(InputError, match="single day"):
        parse_date("2018-09", "published", today=TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("population", "population"),
        ("Population", "population"),
        ("pop", "population"),
        ("departure", "departures"),
        ("relocations", "relocation"),
        ("new displacements", "new_displacements"),
        ("newdisp", "new_displacements"),
    ],
)
def test_indicators_and_their_synonyms(text, expected):
    assert parse_choice(text, "indicator", vocab.INDICATORS, vocab.INDICATOR_SYNONYMS) == expected


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("households", "--indicator population --unit households"),
        ("HH", "--indicator population --unit households"),
        ("returnees", "--indicator population --group returnees"),
    ],
)
def test_the_indicators_of_earlier_versions_are_refused_with_the_words_of_now(text, advice):
    from dispstats.model.fields import parse_indicator

    with pytest.raises(InputError) as refused:
        parse_indicator(text)
    assert advice in str(refused.value) and f"'{text}' is no longer an indicator" in str(
        refused.value
    )


@pytest.mark.parametrize(
    ("text", "group"),
    [("IDPs", "idps"), ("refugee", "refugees"), ("Asylum seekers", "asylum_seekers"),
     ("returned IDPs", "idp_returnees"), ("host community", "host_community")],
)  # fmt: skip
def test_population_groups_are_a_controlled_list(text, group):
    from dispstats.model.fields import parse_group

    assert parse_group(text) == group


def test_free_words_for_a_group_are_refused_naming_the_description_option():
    from dispstats.model.fields import parse_group

    with pytest.raises(InputError) as refused:
        parse_group("Qaryatayn tribe")
    assert "'Qaryatayn tribe' is not a population group" in str(refused.value)
    assert "--description" in str(refused.value)


def test_an_unknown_indicator_is_refused_with_the_list_and_a_suggestion():
    with pytest.raises(InputError) as refused:
        parse_choice("populaton", "indicator", vocab.INDICATORS, vocab.INDICATOR_SYNONYMS)
    message = str(refused.value)
    assert "'populaton'" in message and "arrivals" in message
    assert "did you mean 'population'" in message


def test_choices_accept_the_words_readers_see():
    assert parse_choice("Under way", "status", vocab.MOVEMENT_STATUSES) == "under_way"
    assert (
        parse_choice(
            "party to conflict", "type", vocab.PUBLISHER_TYPES, {"party": "party_to_conflict"}
        )
        == "party_to_conflict"
    )


@pytest.mark.parametrize(
    ("parse", "good", "bad"),
    [
        (parse_reliability, ("b", "B"), ("G", "AB", "1")),
        (
            parse_url,
            ("https://reliefweb.int/x", "http://a.b/c?d=e"),
            ("file:///etc/passwd", "javascript:alert(1)", "www.ocha.org", "https://a b"),
        ),
    ],
)
def test_small_fields_accept_their_form_and_refuse_others(parse, good, bad):
    for text in good:
        parse(text)
    for text in bad:
        with pytest.raises(InputError, match="expected"):
            parse(text)


def test_coordinates_must_be_in_range():
    assert parse_coordinate("33.3", "latitude", 90) == 33.3
    with pytest.raises(InputError, match="outside"):
        parse_coordinate("95", "latitude", 90)
    with pytest.raises(InputError, match="decimal degrees"):
        parse_coordinate("33N", "latitude", 90)


@pytest.mark.parametrize(
    ("text", "iso3"),
    [("SYR", "SYR"), ("syr", "SYR"), ("SY", "SYR"), ("Syria", "SYR"),
     ("Syrian Arab Republic", "SYR"), ("jordan", "JOR"), ("XKX", "XKX")],
)  # fmt: skip
def test_a_country_is_read_by_iso3_iso2_or_name(text, iso3):
    assert parse_country(text) == iso3


@pytest.mark.parametrize("text", ["Syr1a", "ZZZ", "Atlantis", "S1R"])
def test_an_unknown_country_is_refused_saying_what_would_do(text):
    with pytest.raises(InputError, match=r"ISO3 code \(SYR\), ISO2 code \(SY\) or English"):
        parse_country(text)


def test_an_admin_pcode_of_another_country_is_refused():
    check_pcode_country("SY04", "SYR", "admin1 pcode")
    check_pcode_country("SYR04", "SYR", "admin1 pcode")
    check_pcode_country("0405", "SYR", "admin1 pcode")  # no country letters: nothing to check
    with pytest.raises(InputError, match=r"p-code JO02 does not belong to Syria \(SYR\)"):
        check_pcode_country("JO02", "SYR", "admin1 pcode")


def test_a_site_list_row_with_a_foreign_pcode_names_the_row_and_field():
    with pytest.raises(InputError) as refused:
        site_from_fields(
            {"id": "camp", "name": "Camp", "country_iso3": "Jordan", "admin1_pcode": "SY04"},
            row=7,
        )
    assert refused.value.row == 7 and refused.value.field == "admin1 pcode"
    assert site_from_fields({"id": "c", "name": "C", "country_iso3": "sy"}).country_iso3 == "SYR"
