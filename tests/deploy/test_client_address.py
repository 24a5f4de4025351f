"""The admin lockout keys on the visitor's real address behind PROXY_COUNT proxies
(django-axes through django-ipware), never on the proxy's address or a client's own claim."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory, override_settings


def address(remote: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return get_client_ip_address(RequestFactory().get("/admin/login/", **meta))


def behind(proxies: int):
    return override_settings(
        AXES_IPWARE_PROXY_COUNT=proxies - 1 if proxies else None,
        AXES_IPWARE_META_PRECEDENCE_ORDER=(
            ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if proxies else ("REMOTE_ADDR",)
        ),
    )


def test_ipware_is_installed_so_axes_uses_it():
    from axes.helpers import IPWARE_INSTALLED

    assert IPWARE_INSTALLED


def test_without_proxies_the_connection_address_counts():
    with behind(0):
        assert address("198.51.100.7", forwarded="203.0.113.9") == "198.51.100.7"


def test_behind_the_edge_the_address_it_saw_counts():
    with behind(1):
        assert address("10.0.0.2", forwarded="198.51.100.7") == "198.51.100.7"


@pytest.mark.parametrize("forged", ["203.0.113.9", "203.0.113.9, 192.0.2.1"])
def test_behind_two_proxies_a_clients_own_prefix_is_ignored(forged):
    with behind(2):
        chain = f"{forged}, 198.51.100.7, 10.0.0.3"
        assert address("10.0.0.2", forwarded=chain) == "198.51.100.7"
