import pytest

from screening.contact import clean_name, clean_phone, match_office


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Mary Smith", "Mary Smith"),
        ("my name is mary o'neil", "Mary O'neil"),
        ("I'm José García-López", "José García-López"),
        ("  John  ", "John"),
    ],
)
def test_names(text, expected):
    assert clean_name(text) == expected


@pytest.mark.parametrize("text", ["", "x", "12345", "<script>alert(1)</script>", "a" * 200, "'; DROP TABLE events;--"])
def test_not_names(text):
    assert clean_name(text) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("781-555-0123", "781-555-0123"),
        ("(978) 555 0199", "978-555-0199"),
        ("+1 781 555 0123", "781-555-0123"),
        ("my number is 7815550123", "781-555-0123"),
    ],
)
def test_phones(text, expected):
    assert clean_phone(text) == expected


@pytest.mark.parametrize("text", ["12345", "555-0123", "call me maybe", "781-555-01234", "000-555-0123", "1" * 40])
def test_not_phones(text):
    assert clean_phone(text) is None


@pytest.mark.parametrize(
    "text,expected",
    [("Woburn", "Woburn"), ("beverly please", "Beverly"), ("either", None), ("woburn or beverly", None)],
)
def test_offices(text, expected):
    assert match_office(text) == expected
