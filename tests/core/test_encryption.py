"""Sensitive fields are encrypted at rest (issue: security, item 7)."""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from conftest import dossier
from hoso.core import crypto, services
from hoso.core.fields import EncryptedField
from hoso.people.models import HealthRecord, Person
from hoso.people.sections import SECTIONS

CANARY = "CANARY7f3a"


def test_values_round_trip_and_are_bound_to_their_column(db):
    token = crypto.encrypt("0912345678", "people_person.phone")
    assert token.startswith("e1.") and "0912345678" not in token
    assert crypto.decrypt(token, "people_person.phone") == "0912345678"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, "people_person.email")  # moved to another column
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(altered, "people_person.phone")


def test_blind_index_is_deterministic_and_keyed(db):
    assert crypto.blind_index("01", "ethnicity") == crypto.blind_index("01", "ethnicity")
    assert crypto.blind_index("01", "ethnicity") != crypto.blind_index("02", "ethnicity")
    # Keyed: not the plain digest of the value, so it cannot be found by hashing guesses.
    digest = crypto.blind_index("01", "ethnicity")
    assert len(digest) == 32
    assert digest not in hashlib.sha256(b"ethnicity\x0001").hexdigest()
    assert digest not in hashlib.sha256(b"01").hexdigest()


def test_every_field_classed_sensitive_or_higher_is_encrypted(db):
    from hoso.catalog.selectors import attrs_map

    classes = attrs_map("field_class")
    for section in SECTIONS:
        for name in section.fields:
            cls = classes[f"{section.key}.{name}"]["class"]
            encrypted = isinstance(section.model._meta.get_field(name), EncryptedField)
            assert encrypted == (cls in {"sensitive", "secret_candidate"}), f"{section.key}.{name}"


def _canary_dossier():
    values = {
        "identity": {
            "phone": f"09{CANARY}",
            "social_insurance_number": f"{CANARY}SI",
            "health_insurance_number": f"{CANARY}HI",
        },
        "qualifications": {"war_invalid_grade": f"{CANARY}WIG", "policy_family": ""},
        "health": [
            {
                "exam_date": "2025-01-10",
                "status": f"{CANARY} health",
                "height_cm": 171,
                "weight_kg": 64,
                "blood_group": "o_pos",
                "conditions": f"{CANARY} cond",
            }
        ],
        "personal_history": {
            "declared_on": "2008-09-01",
            "arrests": f"{CANARY} arrests",
            "former_regime": f"{CANARY} regime",
            "foreign_organizations": f"{CANARY} foreign",
            "relatives_abroad": f"{CANARY} relatives",
        },
        "assets": [
            {
                "year": 2025,
                "declared_on": "2025-12-01",
                "income": "987654321",
                "houses": f"{CANARY} house",
                "land": f"{CANARY} land",
                "other_assets": f"{CANARY} other",
            }
        ],
    }
    return dossier(**values)


@pytest.mark.django_db(transaction=True)
def test_no_plaintext_of_encrypted_fields_reaches_the_database_file(orgs_committed):
    from hoso.access.system import system_dossier
    from hoso.audit.purposes import Purpose
    from hoso.people.services import dossier_create

    person = dossier_create(acting_user=None, data=_canary_dossier())
    # Readable through the application…
    data = system_dossier(purpose=Purpose.SYSTEM_DEMO, person=person)
    assert data["personal_history"]["arrests"] == f"{CANARY} arrests"
    assert data["assets"][0]["income"] == "987654321"
    # …but not in what the database holds.
    if connection.vendor == "postgresql":
        pg_dump = shutil.which("pg_dump")
        assert pg_dump, "pg_dump is needed for this test"
        settings = connection.settings_dict
        dump = subprocess.run(
            [
                pg_dump,
                "-h",
                settings["HOST"] or "127.0.0.1",
                "-p",
                str(settings["PORT"] or 5432),
                "-U",
                settings["USER"] or "postgres",
                "--data-only",
                settings["NAME"],
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    else:
        dump = "\n".join(connection.connection.iterdump())
    assert person.personal_id in dump  # the dump is real and holds the dossier
    assert CANARY not in dump
    assert "987654321" not in dump


def test_master_rotation_rewraps_keys_and_data_rotation_reencrypts(
    make_dossier, tmp_path, monkeypatch
):
    def stored_phone():
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM people_person WHERE id = %s", [person.pk])
            return cursor.fetchone()[0]

    person = make_dossier()
    before = stored_phone()
    new_master = tmp_path / "new.key"
    crypto.generate_master_key(new_master)
    assert services.master_rotate(new_key_file=new_master) >= 1
    old_master = Path(os.environ["HOSO_MASTER_KEY_FILE"])
    monkeypatch.setenv("HOSO_MASTER_KEY_FILE", str(new_master))
    crypto.forget_keys()
    assert Person.objects.get(pk=person.pk).phone == "0912345678"  # opens with the new key
    monkeypatch.setenv("HOSO_MASTER_KEY_FILE", str(old_master))
    crypto.forget_keys()
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=person.pk)  # the old master key opens nothing any more
    monkeypatch.setenv("HOSO_MASTER_KEY_FILE", str(new_master))
    crypto.forget_keys()

    assert services.data_rotate() > 0
    after = stored_phone()
    assert after != before and after.split(".")[1] != before.split(".")[1]
    assert Person.objects.get(pk=person.pk).phone == "0912345678"
    assert HealthRecord.objects.get(person=person).status == "Tốt"
