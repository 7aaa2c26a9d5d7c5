"""Everything secret the emulator makes on start: the TLS certificate (a private CA whose
PEM clients trust through SALESFORCE_CA_BUNDLE), the connected app (consumer key/secret
and the RSA key pair whose certificate verifies JWT bearer assertions), user passwords and
the control token. Kept in ``state_dir`` so a restart with the same directory keeps them.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import secrets
import ssl
from dataclasses import asdict, dataclass
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass
class Credentials:
    """The connected app and user secrets of one emulated org."""

    client_id: str
    client_secret: str
    password: str  # the password of every emulated user
    control_token: str
    private_key_file: str
    certificate_file: str
    ca_file: str

    def public_key(self) -> object:
        """The connected app certificate's public key (verifies RS256 JWT assertions)."""
        cert = x509.load_pem_x509_certificate(Path(self.certificate_file).read_bytes())
        return cert.public_key()


@functools.cache
def _rsa_key_pem() -> bytes:
    # RSA generation takes tens of milliseconds; one key per process keeps test start-up fast.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _self_signed(key_pem: bytes) -> bytes:
    key = serialization.load_pem_private_key(key_pem, password=None)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "radar-emulator-connected-app")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
            .sign(key, hashes.SHA256()))  # type: ignore[arg-type]
    return cert.public_bytes(serialization.Encoding.PEM)


def load_or_create(state_dir: Path) -> Credentials:
    """Read ``state_dir/credentials.json`` or create every secret and file it names."""
    state_dir.mkdir(parents=True, exist_ok=True)
    record = state_dir / "credentials.json"
    if record.exists():
        stored = Credentials(**json.loads(record.read_text()))
        if Path(stored.private_key_file).exists() and Path(stored.certificate_file).exists():
            stored.ca_file = str(state_dir / "ca.pem")
            return stored
    key_file = state_dir / "connected_app.key"
    cert_file = state_dir / "connected_app.crt"
    key_pem = _rsa_key_pem()
    key_file.write_bytes(key_pem)
    key_file.chmod(0o600)
    cert_file.write_bytes(_self_signed(key_pem))
    creds = Credentials(
        client_id="3MVG9" + secrets.token_urlsafe(60).replace("-", "A").replace("_", "B")[:80],
        client_secret=secrets.token_hex(32).upper(), password="Emu-" + secrets.token_urlsafe(12),
        control_token=secrets.token_urlsafe(24), private_key_file=str(key_file),
        certificate_file=str(cert_file), ca_file=str(state_dir / "ca.pem"))
    record.write_text(json.dumps(asdict(creds), indent=2))
    record.chmod(0o600)
    return creds


def tls_context(state_dir: Path, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> ssl.SSLContext:
    """A server SSL context from a fresh private CA; the CA PEM goes to state_dir/ca.pem."""
    ca = trustme.CA(organization_name="Radar Emulator CA")
    leaf = ca.issue_cert(*hosts)
    ca.cert_pem.write_to_path(str(state_dir / "ca.pem"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(context)
    return context
