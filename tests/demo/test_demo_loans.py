"""The demo's paper dossier loans (issue 10 item 6): open ones, overdue ones on the work list,
returned ones — recorded once, through the lending services."""

from __future__ import annotations

from io import StringIO

import pytest

from hoso.core.dates import today
from hoso.demo import node
from hoso.demo.loans import LOANS, loans_create
from hoso.documents.models import PaperLoan
from hoso.documents.selectors import lending


@pytest.fixture
def demo(db, tmp_path, settings, monkeypatch):
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(node, "catalog_load_builtin", lambda: [])
    monkeypatch.setattr(node, "documents_create", lambda out: None)  # scans: tests/documents
    node.demo_setup(people=120, seed=1, stdout=StringIO(), progress=False)


def test_the_demo_lends_some_paper_dossiers_and_some_are_overdue(demo):
    from hoso.access.models import User

    assert PaperLoan.objects.count() == len(LOANS)
    manager = User.objects.get(username="quanly")
    scope = lending.loan_scope(manager)
    assert lending.open_loans(scope).count() == 3
    overdue = list(lending.overdue_loans(scope))
    assert len(overdue) == 2 and all(loan.due_date < today() for loan in overdue)
    assert lending.returned_loans(scope).count() == 2
    clerk = User.objects.get(username="nhaplieu")  # the clerk's work list shows them too
    assert lending.overdue_loans(lending.loan_scope(clerk, lending.WORKING_ROLES)).count() == 2
    assert loans_create(today(), StringIO()) == 0  # once only
