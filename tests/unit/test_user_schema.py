"""Email addresses: deliverable on the internet by default; with ALLOW_LOCAL_EMAIL_DOMAINS,
the names of a local network too, and still nothing malformed."""

import pytest

from socketspace.errors import InvalidInput
from socketspace.schemas.user import check_email

EVERYWHERE = ["alice@example.com", "alice@nas.lan", "alice@host.internal", "alice@bücher.de"]
LOCAL = [
    "alice@printer.local",
    "alice@nas.home.arpa",
    "alice@chat.test",
    "alice@localhost",
    "alice@nas",
    "alice@bücher.local",
]
NEVER = [
    "alice@chat.invalid",
    "alice@hidden.onion",
    "alice@1.168.192.in-addr.arpa",
    "alice smith@printer.local",
    "@printer.local",
    "alice@-nas.local",
    "alice@nas..local",
    "printer.local",
    "alice@",
]


@pytest.mark.parametrize("address", EVERYWHERE)
@pytest.mark.parametrize("allow_local_domains", [False, True])
def test_internet_addresses_are_accepted_either_way(address, allow_local_domains):
    assert check_email(address, allow_local_domains=allow_local_domains) == address


@pytest.mark.parametrize("address", LOCAL)
def test_local_network_addresses_are_refused_by_default(address):
    with pytest.raises(InvalidInput, match="Invalid email format") as refused:
        check_email(address)
    assert refused.value.code == "invalid_email"


@pytest.mark.parametrize("address", LOCAL)
def test_local_network_addresses_are_accepted_when_allowed(address):
    assert check_email(address, allow_local_domains=True) == address


@pytest.mark.parametrize("address", NEVER)
@pytest.mark.parametrize("allow_local_domains", [False, True])
def test_malformed_and_never_local_addresses_are_refused_either_way(address, allow_local_domains):
    with pytest.raises(InvalidInput, match="Invalid email format"):
        check_email(address, allow_local_domains=allow_local_domains)


def test_an_address_is_trimmed_and_lowercased():
    assert check_email("  Alice@NAS.Local ", allow_local_domains=True) == "alice@nas.local"


def test_an_address_longer_than_254_characters_is_refused():
    with pytest.raises(InvalidInput):
        check_email(f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 63}.local", allow_local_domains=True)
