"""The dossier is read in one query on PostgreSQL (issue 13: national size), the same data as
the per-section reader, and a dossier request stays within a fixed number of queries — the
read gate's duties and grants read once, the audit append, the content in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hoso.access.services import token_create
from hoso.people.sections import SECTIONS
from hoso.people.selectors import _dossier_data, _dossier_data_many, _dossier_one_query

# What one dossier request through the API may cost (R-FAST): the token and its account, the
# person, the duties, the grants, the audit append and its alert checks, the dossier (one
# query on PostgreSQL, one per section elsewhere) and the components on file; the test's
# transaction adds four savepoint statements (BEGIN and COMMIT outside a test).
MAX_QUERIES_POSTGRESQL = 16
# Elsewhere the one dossier query becomes one per history section (the sections grow: count).
MAX_QUERIES_OTHER = MAX_QUERIES_POSTGRESQL - 1 + sum(s.many for s in SECTIONS)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-query read is PostgreSQL's")
def test_the_one_query_read_gives_the_per_section_readers_data(make_dossier) -> None:
    person = make_dossier(
        salary=[
            {"from_date": "2008-09-01", "rank_code": "01.003", "step": 1, "coefficient": "2.34"},
            {"from_date": "2011-09-01", "rank_code": "01.003", "step": 2, "coefficient": "2.67"},
            {"from_date": "2014-09-01", "rank_code": "01.003", "step": 3, "coefficient": "3.00"},
        ]
    )
    one = _dossier_one_query(person)
    assert one == _dossier_data_many([person])[person.pk]
    # Typed as the write path stores them: decimals as text, encrypted integers decrypted.
    assert [row["coefficient"] for row in one["salary"]] == ["2.34", "2.67", "3.00"]
    assert one["health"][0]["height_cm"] == 168
    assert one["positions"][0]["organization"] == "T01.STC"
    assert one["personal_history"]["arrests"] == "Không"
    with CaptureQueriesContext(connection) as queries:
        _dossier_data(person)
    assert len(queries) == 1


def test_a_dossier_request_costs_a_bounded_number_of_queries(
    personas, make_dossier, django_assert_max_num_queries
) -> None:
    person = make_dossier()
    token = token_create(acting_user=None, user=personas["quanly"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get(f"/api/v1/people/{person.personal_id}")  # warm the per-process caches
    bound = MAX_QUERIES_POSTGRESQL if connection.vendor == "postgresql" else MAX_QUERIES_OTHER
    with django_assert_max_num_queries(bound) as queries:
        response = client.get(f"/api/v1/people/{person.personal_id}")
    assert response.status_code == 200, response.content
    assert response.json()["sections"]["salary"][0]["coefficient"] == "2.34"
    # The read gate's duties and grants are read once per request, not once per question.
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "access_roleassignment"' in q for q in sql) <= 1
    assert sum('FROM "access_accessgrant"' in q for q in sql) <= 1
