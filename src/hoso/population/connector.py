"""The connector to the national population database (R-POPULATION).

hoso asks one question: ``lookup(personal_id)``, answered with a typed outcome
(``records.Found`` or ``records.Failed`` with a stable code), never an exception, so the node keeps
working when the database is slow, down or wrong. ``HttpConnector`` talks to the simulator
(`hoso popdb serve`) over HTTP; a connection through the national data exchange platform (NDXP)
is another class with the same method, chosen in ``configured()``. See docs/population-connector.md.
"""

from __future__ import annotations

from typing import Protocol

import requests
from django.conf import settings

from hoso.population.records import CitizenRecord, Code, Failed, Outcome, judged


class Connector(Protocol):
    def lookup(self, personal_id: str) -> Outcome:
        """What the population database says about ``personal_id``; never raises."""
        ...


class NotConfigured:
    """No connection configured (the default): every lookup says so."""

    def lookup(self, personal_id: str) -> Outcome:
        return Failed(Code.NOT_CONFIGURED)


class HttpConnector:
    """``GET {base_url}/citizens/{id}`` with a bearer token; 200 is a record, 404 not found."""

    def __init__(self, base_url: str, *, timeout: float, token: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.token = token

    def lookup(self, personal_id: str) -> Outcome:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        url = f"{self.base_url}/citizens/{personal_id}"
        try:
            response = requests.get(url, headers=headers, timeout=self.timeout)
        except requests.Timeout as error:
            return Failed(Code.TIMEOUT, type(error).__name__)
        except requests.RequestException as error:
            return Failed(Code.UNAVAILABLE, type(error).__name__)
        if response.status_code == 404:
            return Failed(Code.NOT_FOUND)
        if response.status_code != 200:
            return Failed(Code.UNAVAILABLE, f"HTTP {response.status_code}")
        try:
            record = CitizenRecord.from_json(response.json())
        except ValueError as error:  # also a body that is not JSON
            return Failed(Code.INVALID_ANSWER, str(error)[:200])
        return judged(personal_id, record)


def configured() -> Connector:
    """The connector the settings name (``HOSO_POPULATION_URL`` empty: not configured)."""
    url = settings.HOSO_POPULATION_URL
    if not url:
        return NotConfigured()
    return HttpConnector(
        url, timeout=settings.HOSO_POPULATION_TIMEOUT_SECONDS, token=settings.HOSO_POPULATION_TOKEN
    )
