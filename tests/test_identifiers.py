import pytest

from tillui.counter.identifier_types import Identifier, identifier_query
from tillui.counter.identifiers import check, mask


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("919800000001", "919800000001"),
        ("+91 98000 00001", "919800000001"),
        ("98000-00001", "919800000001"),  # national number read in the till's region
        ("+1 650 253 0000", "16502530000"),
    ],
)
def test_mobiles_are_normalised_to_country_code_and_digits(raw, normalised):
    assert check("mobile", raw).identifier == Identifier("mobile", normalised)


@pytest.mark.parametrize(
    "raw", ["12345", "98000abc01", "+99 123", "0000000000", "+91 1234567890123456"]
)
def test_impossible_mobiles_are_refused_with_a_reason(raw):
    checked = check("mobile", raw)
    assert not checked.ok and checked.error


@pytest.mark.parametrize("raw", ["915795008395", "+915795008395", "91 57950 08349", "5795008395"])
def test_the_documents_example_mobiles_are_sent_with_a_quiet_warning(raw):
    # Possible (E.164 length, country code 91) but not valid for India: the server decides.
    checked = check("mobile", raw, phone_region="IN")
    assert checked.ok and checked.identifier.value.startswith("9157950083")
    assert checked.error is None and "server decides" in checked.warning


def test_a_valid_mobile_has_no_warning():
    assert check("mobile", "919800000001").warning is None


def test_national_mobiles_follow_the_configured_region():
    assert check("mobile", "07911 123456", phone_region="GB").identifier == Identifier(
        "mobile", "447911123456"
    )
    # Read as an Indian number: possible, so sent; the server says whether it exists.
    assert check("mobile", "07911 123456", phone_region="IN").identifier == Identifier(
        "mobile", "917911123456"
    )


def test_landlines_are_sent_with_a_warning_not_refused():
    checked = check("mobile", "020 7946 0958", phone_region="GB")
    assert checked.identifier == Identifier("mobile", "442079460958")
    assert "landline" in checked.warning


def test_emails_are_validated_without_dns_and_lower_cased():
    assert check("email", " Asha.Rao@Example.COM ").identifier == Identifier(
        "email", "asha.rao@example.com"
    )
    for bad in ("asha", "asha@", "a,b@example.com", "asha@@example.com"):
        assert not check("email", bad).ok, bad


def test_free_form_identifiers_refuse_commas_and_spaces():
    assert check("cardnumber", "CARD0001").identifier == Identifier("cardnumber", "CARD0001")
    assert check("externalId", "MPQSP10").ok
    assert check("externalId", "A,B").error == "Must not contain a comma"
    assert not check("cardnumber", "CARD 0001").ok
    assert check("cardnumber", "").error == "Empty"
    assert not check("cardnumber", "X" * 65).ok


def test_identifier_query_keeps_names_and_values_in_one_order():
    query = identifier_query([Identifier("email", "a@b.co"), Identifier("mobile", "919800000001")])
    assert query == {"identifierName": "email,mobile", "identifierValue": "a@b.co,919800000001"}
    with pytest.raises(ValueError):
        identifier_query([])


def test_masking_keeps_only_what_the_cashier_needs_to_confirm():
    assert mask(Identifier("mobile", "919800000001")) == "****0001"
    assert mask(Identifier("email", "asha.rao@example.com")) == "a***@example.com"
    assert mask(Identifier("cardnumber", "C12")) == "****2"
    assert mask(Identifier("cardnumber", "CARD0001")) == mask(
        Identifier("cardnumber", "CARDXXXXXXXX0001")
    )
