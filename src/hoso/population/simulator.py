"""A simulator of the national population database, for tests and the demo (R-POPULATION).

It answers ``GET /citizens/<id>`` with the Art. 9 fields of ``records.CitizenRecord`` (404 for an
unknown id) and ``GET /health``. Its citizens are the file ``citizens.json`` of its data directory
— written by `hoso popdb export` from a node, so they are the node's people with the same ids,
names, birth dates and sexes — plus ``extra`` synthetic citizens drawn from ``seed`` who are in no
node. It misbehaves on purpose: ``latency_ms`` before each answer, ``fail_rate`` of 503 answers,
``wrong_rate`` of answers whose sex contradicts the id. A plain WSGI app served by the standard
library's threaded ``wsgiref`` server: the venv has no waitress/uvicorn/gunicorn, and a simulator
needs no more (docs/decisions/0019-population-connector.md).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from faker import Faker

from hoso import identity
from hoso.population.records import CitizenRecord

CITIZENS_FILE = "citizens.json"
_PROVINCES = ("001", "031", "038", "040", "046", "048", "079", "092")


@dataclass
class Behaviour:
    latency_ms: int = 0
    fail_rate: float = 0.0
    wrong_rate: float = 0.0
    token: str = ""
    seed: int = 0
    rng: random.Random = field(default_factory=random.Random)


def read_citizens(data_dir: Path) -> dict[str, CitizenRecord]:
    path = data_dir / CITIZENS_FILE
    if not path.exists():
        return {}
    docs = json.loads(path.read_text(encoding="utf-8"))
    records = (CitizenRecord.from_json(doc) for doc in docs)
    return {r.personal_id: r for r in records}


def write_citizens(data_dir: Path, records: Iterable[CitizenRecord]) -> int:
    data_dir.mkdir(parents=True, exist_ok=True)
    docs = [r.as_json() for r in records]
    (data_dir / CITIZENS_FILE).write_text(
        json.dumps(docs, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return len(docs)


def synthetic(seed: int, count: int) -> list[CitizenRecord]:
    """``count`` citizens in no node, the same for the same seed (serials from 900000 up, so
    they do not meet the demo's ids, which count from 1)."""
    rng = random.Random(seed)
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    out = []
    for i in range(count):
        sex = rng.choice("MF")
        year = rng.randint(1965, 2003)
        born = date(year, rng.randint(1, 12), rng.randint(1, 28))
        province = rng.choice(_PROVINCES)
        pid = identity.generate(province_code=province, birth_year=year, sex=sex, serial=900000 + i)
        name = fake.name_male() if sex == "M" else fake.name_female()
        address = fake.address().replace("\n", ", ")
        out.append(
            CitizenRecord(
                personal_id=pid,
                full_name=name,
                birth_date=born,
                sex=sex,
                birth_place=identity.decode(pid).province_name or "",
                ethnicity="01",  # codes as the dossier keeps them: 01 Kinh, 00 no religion
                religion="00",
                marital_status=rng.choice(["Chưa kết hôn", "Đã kết hôn"]),
                permanent_residence=address,
                current_residence=address,
            )
        )
    return out


def application(
    citizens: dict[str, CitizenRecord], behaviour: Behaviour
) -> Callable[[dict[str, Any], Callable[..., Any]], list[bytes]]:
    lock = threading.Lock()  # random.Random is not shared safely across threads

    def answer(start: Callable[..., Any], status: str, body: Any) -> list[bytes]:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        start(status, [("Content-Type", "application/json; charset=utf-8")])
        return [data]

    def app(environ: dict[str, Any], start: Callable[..., Any]) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/health":
            return answer(start, "200 OK", {"status": "ok", "citizens": len(citizens)})
        if behaviour.token and environ.get("HTTP_AUTHORIZATION") != f"Bearer {behaviour.token}":
            return answer(start, "401 Unauthorized", {"code": "unauthorized"})
        if not path.startswith("/citizens/") or environ.get("REQUEST_METHOD") != "GET":
            return answer(start, "404 Not Found", {"code": "no_such_route"})
        with lock:
            fails = behaviour.rng.random() < behaviour.fail_rate
            wrong = behaviour.rng.random() < behaviour.wrong_rate
        if behaviour.latency_ms:
            time.sleep(behaviour.latency_ms / 1000)
        if fails:
            return answer(start, "503 Service Unavailable", {"code": "unavailable"})
        record = citizens.get(path.removeprefix("/citizens/"))
        if record is None:
            return answer(start, "404 Not Found", {"code": "not_found"})
        if wrong:  # the other sex: an answer contradicting the id's digit 4
            record = replace(record, sex="F" if record.sex == "M" else "M")
        return answer(start, "200 OK", record.as_json())

    return app


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass  # one line per request would drown the node's log; the node audits lookups


def serve(
    host: str, port: int, citizens: dict[str, CitizenRecord], behaviour: Behaviour
) -> WSGIServer:
    return make_server(
        host,
        port,
        application(citizens, behaviour),
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )
