"""TLS for `quintex serve --tls`: a local certificate authority kept in the data dir, or the
operator's own certificate and key.

On first use Quintex creates `tls/ca.pem` (a CA that signs only this server's certificate) and
`tls/server.pem` for `127.0.0.1` and `localhost`, signed by it; the server certificate is renewed
when it nears its end. Clients trust the server through the CA: `SSL_CERT_FILE=<data dir>/tls/ca.pem`
for Python's `ssl`, which python-okx, aiohttp and websockets use.
"""
from __future__ import annotations

import ipaddress
import os
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .errors import CliError

TLS_DIR = "tls"
CA_VALID = timedelta(days=3650)
SERVER_VALID = timedelta(days=825)
RENEW_BEFORE = timedelta(days=30)
HOSTS = (x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost"))


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path
    ca: Path | None
    """The CA clients must trust; None for the operator's own certificate."""


def local_ca(data_dir: Path) -> TlsFiles:
    """The server certificate signed by the data dir's CA, creating either when missing or expiring."""
    folder = data_dir / TLS_DIR
    ca, ca_key = folder / "ca.pem", folder / "ca-key.pem"
    files = TlsFiles(folder / "server.pem", folder / "server-key.pem", ca)
    now = datetime.now(UTC)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        new_ca = not (ca.exists() and ca_key.exists()) or _expiring(ca, now)
        if new_ca:
            _write_ca(ca, ca_key, now)
        if new_ca or not (files.cert.exists() and files.key.exists()) or _expiring(files.cert, now):
            _write_server(files.cert, files.key, ca, ca_key, now)
    except OSError as exc:
        raise CliError(f"cannot prepare the TLS files in {folder}: {exc}") from None
    return files


def server_context(files: TlsFiles) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(files.cert, files.key)
    except (OSError, ssl.SSLError) as exc:
        raise CliError(f"cannot load the TLS certificate {files.cert} and key {files.key}: {exc}") from None
    return context


def _expiring(cert_path: Path, now: datetime) -> bool:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return cert.not_valid_after_utc - now < RENEW_BEFORE


def _write_ca(cert_path: Path, key_path: Path, now: datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Quintex local CA")])
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + CA_VALID)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _write_server(cert_path: Path, key_path: Path, ca_path: Path, ca_key_path: Path, now: datetime) -> None:
    ca_cert = x509.load_pem_x509_certificate(ca_path.read_bytes())
    ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + SERVER_VALID)
        .add_extension(x509.SubjectAlternativeName(list(HOSTS)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=True, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
