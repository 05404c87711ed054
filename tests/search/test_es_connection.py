"""How the portal reaches a production cluster: HTTPS with the cluster's own CA, and credentials.

A loopback server (``es_fault_server``, over TLS with a certificate made
here) records what arrives; it answers 429, so every search falls back to
the database and the tests look only at what was sent and whether TLS let it
through.
"""

import base64
import datetime
import hashlib
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from search import service
from search.elasticsearch.client import connection_options
from tests.search.es_fault_server import FaultServer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, as Elasticsearch 8 makes its own CA at first start."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test cluster CA")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "http_ca.crt", folder / "http.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    fingerprint = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    # As Elasticsearch prints it: pairs of hex digits separated by colons.
    return {
        "cert": cert_file,
        "key": key_file,
        "fingerprint": ":".join(a + b for a, b in zip(fingerprint[::2], fingerprint[1::2], strict=True)),
    }


@pytest.fixture
def tls_server(settings, certificate):
    server = FaultServer(tls=(certificate["cert"], certificate["key"])).start()
    settings.ELASTICSEARCH_URL = server.url
    yield server
    server.stop()


def test_an_https_cluster_with_its_own_ca_is_refused_without_the_ca_file(tls_server):
    assert tls_server.url.startswith("https://")
    assert service.query("falls").degraded
    assert tls_server.requests == []  # the TLS handshake failed: nothing was sent


def test_the_ca_file_lets_the_client_reach_the_cluster(tls_server, settings, certificate):
    settings.ELASTICSEARCH_CA_CERTS = str(certificate["cert"])
    service.query("falls")
    assert tls_server.paths("POST") == ["/portal-knowledge/_search"]


def test_the_cas_fingerprint_lets_the_client_reach_the_cluster(tls_server, settings, certificate):
    settings.ELASTICSEARCH_FINGERPRINT = certificate["fingerprint"]
    service.query("falls")
    assert tls_server.paths("POST") == ["/portal-knowledge/_search"]


def test_an_api_key_is_sent_as_elasticsearch_expects(fault_server, settings):
    settings.ELASTICSEARCH_API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
    service.query("falls")
    (request,) = fault_server.requests
    assert request.headers["authorization"] == f"ApiKey {settings.ELASTICSEARCH_API_KEY}"


def test_a_user_name_and_password_are_sent_as_basic_auth(fault_server, settings):
    settings.ELASTICSEARCH_USERNAME = "portal"
    settings.ELASTICSEARCH_PASSWORD = "s3cret:with-colon"
    service.query("falls")
    (request,) = fault_server.requests
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"portal:s3cret:with-colon").decode()


def test_the_settings_come_from_the_environment(monkeypatch):
    import importlib

    import portal.settings.base as base

    monkeypatch.setenv("ELASTICSEARCH_CA_CERTS", "/etc/portal/http_ca.crt")
    monkeypatch.setenv("ELASTICSEARCH_FINGERPRINT", "AB:CD")
    monkeypatch.setenv("ELASTICSEARCH_API_KEY", "key")
    monkeypatch.setenv("ELASTICSEARCH_USERNAME", "portal")
    monkeypatch.setenv("ELASTICSEARCH_PASSWORD", "pass")
    reloaded = importlib.reload(base)
    try:
        assert (
            reloaded.ELASTICSEARCH_CA_CERTS,
            reloaded.ELASTICSEARCH_FINGERPRINT,
            reloaded.ELASTICSEARCH_API_KEY,
            reloaded.ELASTICSEARCH_USERNAME,
            reloaded.ELASTICSEARCH_PASSWORD,
        ) == ("/etc/portal/http_ca.crt", "AB:CD", "key", "portal", "pass")
    finally:
        monkeypatch.undo()
        importlib.reload(base)


def test_no_options_without_settings(settings):
    settings.ELASTICSEARCH_CA_CERTS = settings.ELASTICSEARCH_FINGERPRINT = settings.ELASTICSEARCH_API_KEY = ""
    settings.ELASTICSEARCH_USERNAME = ""
    assert connection_options() == ()
