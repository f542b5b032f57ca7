"""The local CA of `quintex serve --tls`: created once in the data dir, trusted through its CA file."""
from __future__ import annotations

import ipaddress
import ssl
import stat
from pathlib import Path

from cryptography import x509

from quintex.cli.tls import local_ca, server_context


def test_the_local_ca_signs_a_certificate_for_loopback_and_is_reused(tmp_path: Path) -> None:
    files = local_ca(tmp_path)
    assert files.ca is not None
    ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    cert.verify_directly_issued_by(ca)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert stat.S_IMODE(files.key.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "tls" / "ca-key.pem").stat().st_mode) == 0o600
    again = local_ca(tmp_path)
    assert again.cert.read_bytes() == files.cert.read_bytes() and again.ca.read_bytes() == files.ca.read_bytes()  # type: ignore[union-attr]


def test_a_client_trusting_the_ca_accepts_the_server_certificate(tmp_path: Path) -> None:
    files = local_ca(tmp_path)
    server = server_context(files)
    client = ssl.create_default_context(cafile=str(files.ca))
    client_in, client_out, server_in, server_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    c = client.wrap_bio(client_in, client_out, server_hostname="127.0.0.1")
    s = server.wrap_bio(server_in, server_out, server_side=True)
    for _ in range(10):  # pump the handshake between the two memory BIOs
        for side in (c, s):
            try:
                side.do_handshake()
            except ssl.SSLWantReadError:
                pass
        server_in.write(client_out.read())
        client_in.write(server_out.read())
    c.do_handshake()
    assert set(c.getpeercert()["subjectAltName"]) == {("DNS", "localhost"), ("IP Address", "127.0.0.1")}
