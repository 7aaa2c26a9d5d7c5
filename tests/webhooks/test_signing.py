"""Signing format shared with the emulator's trigger delivery, and the `radar sign` command."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from click.testing import CliRunner

from service.cli import main
from webhooks.signing import SignatureVerificationError, sign, verify

BODY = b'{"eventId":"evt-1"}'


def test_given_body_when_signed_then_hmac_sha256_over_timestamp_dot_body() -> None:
    headers = sign(BODY, "s3cret", 1_700_000_000)

    expected = hmac.new(b"s3cret", b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert headers == {"X-Radar-Timestamp": "1700000000", "X-Radar-Signature": f"v1={expected}"}


def test_given_two_secrets_when_signed_then_two_v1_entries_each_verifiable() -> None:
    headers = sign(BODY, ["a", "b"], 100)

    entries = headers["X-Radar-Signature"].split(",")
    assert len(entries) == 2
    for secret in ("a", "b"):
        assert verify(BODY, "100", headers["X-Radar-Signature"], [secret], now=100) == 100


@pytest.mark.parametrize(
    ("timestamp", "signature", "reason"),
    [
        (None, "v1=00", "missing_timestamp"),
        ("12a", "v1=00", "bad_timestamp"),
        ("-5", "v1=00", "bad_timestamp"),
        ("500", None, "missing_signature"),
        ("500", "v0=abc", "bad_signature"),
        ("500", "v1=" + "0" * 64, "bad_signature"),
        ("399", "v1=" + "0" * 64, "stale_timestamp"),
    ],
)
def test_given_bad_headers_when_verified_then_reason_names_the_fault(
    timestamp: str | None, signature: str | None, reason: str
) -> None:
    with pytest.raises(SignatureVerificationError) as failure:
        verify(BODY, timestamp, signature, ["s"], now=700, tolerance=300)

    assert failure.value.reason == reason


def test_given_uppercase_hex_when_verified_then_accepted() -> None:
    signature = sign(BODY, "s", 100)["X-Radar-Signature"].upper().replace("V1=", "v1=")

    assert verify(BODY, "100", signature, ["s"], now=100) == 100


def test_given_no_secrets_when_verifying_then_refuses_to_verify() -> None:
    with pytest.raises(ValueError, match="no webhook secrets"):
        verify(BODY, "100", "v1=00", [], now=100)


def test_given_secret_env_when_radar_sign_runs_then_prints_verifiable_headers(tmp_path) -> None:
    body_file = tmp_path / "event.json"
    body_file.write_bytes(BODY)

    result = CliRunner().invoke(
        main,
        ["sign", "--body", str(body_file), "--timestamp", "1700000000"],
        env={"RADAR_WEBHOOK_SECRETS": "new-secret,old-secret"},
    )

    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.strip().splitlines())
    assert lines["X-Radar-Timestamp"] == "1700000000"
    assert verify(BODY, "1700000000", lines["X-Radar-Signature"], ["new-secret"], now=1700000000)
    assert "new-secret" not in result.output


def test_given_empty_secret_env_when_radar_sign_runs_then_usage_error(tmp_path) -> None:
    body_file = tmp_path / "event.json"
    body_file.write_bytes(BODY)

    result = CliRunner().invoke(
        main, ["sign", "--secret-env", "NOPE_SECRETS", "--body", str(body_file)], env={}
    )

    assert result.exit_code == 2
    assert "holds no secret" in result.output
