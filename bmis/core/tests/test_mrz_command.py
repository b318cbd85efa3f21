"""`manage.py mrz parse`, run as a process: the JSON contract and the exit status."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n"
KEYS = {
    "valid",
    "format",
    "document_code",
    "issuing_state",
    "surname",
    "given_names",
    "document_number",
    "nationality",
    "birth_date",
    "birth_date_raw",
    "expiry_date",
    "expiry_date_raw",
    "sex",
    "optional_data",
    "errors",
    "corrections",
}


def mrz(stdin: bytes, *args: str, tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "BMIS_ENV_FILE": "",
        "BMIS_POST": "PAP",
        "BMIS_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "mrz", "parse", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=60,
    )
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def test_it_prints_the_contract_of_a_valid_passport(tmp_path):
    status, out, _err = mrz(TD3.encode(), "--today", "2010-01-01", tmp_path=tmp_path)
    body = json.loads(out)
    assert status == 0
    assert set(body) == KEYS
    assert body | {"errors": None} == {
        "valid": True,
        "format": "TD3",
        "document_code": "P",
        "issuing_state": "UTO",
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "document_number": "L898902C3",
        "nationality": "UTO",
        "birth_date": "1974-08-12",
        "birth_date_raw": "740812",
        "expiry_date": "2012-04-15",
        "expiry_date_raw": "120415",
        "sex": "F",
        "optional_data": "ZE184226B",
        "errors": None,
        "corrections": [],
    }


def test_it_exits_1_naming_the_field_and_rule_that_failed(tmp_path):
    bad = TD3.replace("L898902C36", "L898902C37")
    status, out, _err = mrz(bad.encode(), "--today", "2010-01-01", tmp_path=tmp_path)
    body = json.loads(out)
    assert status == 1
    assert body["valid"] is False
    assert {"code": "check_digit", "field": "document_number"} in body["errors"]


def test_it_tolerates_scanner_noise(tmp_path):
    noisy = "  " + TD3.lower().replace("\n", "\r\n") + "\r\n"
    status, out, _err = mrz(noisy.encode(), "--today", "2010-01-01", tmp_path=tmp_path)
    assert status == 0
    assert json.loads(out)["surname"] == "ERIKSSON"


@pytest.mark.parametrize("stdin", [b"", b"hello world", b"\xff\xfe\x00garbage", b"<<<\n<<<"])
def test_it_exits_2_on_unreadable_input(tmp_path, stdin):
    status, out, err = mrz(stdin, tmp_path=tmp_path)
    body = json.loads(out)
    assert status == 2
    assert body["valid"] is False
    assert set(body) == KEYS
    assert body["errors"][0]["code"] in {"empty", "length", "format", "not_text"}
    assert "Traceback" not in err


def test_it_refuses_a_wrong_reference_date(tmp_path):
    status, _out, err = mrz(TD3.encode(), "--today", "2026-13-01", tmp_path=tmp_path)
    assert status == 2
    assert "--today '2026-13-01' is not a date" in err
