"""URLs of the paper dossier loans: the records manager's list, a dossier's paper page and
the lend, take-back and extend forms."""

from django.urls import path

from hoso.web.views import lending

urlpatterns: list = [
    path("muon-ho-so-giay/", lending.paper_loans, name="paper_loans"),
    path("ho-so/<str:personal_id>/ho-so-giay/", lending.paper_dossier, name="paper_dossier"),
    path(
        "ho-so/<str:personal_id>/ho-so-giay/cho-muon/",
        lending.paper_loan_open,
        name="paper_loan_open",
    ),
    path("muon-ho-so-giay/<int:pk>/nhan-lai/", lending.paper_loan_return, name="paper_loan_return"),
    path("muon-ho-so-giay/<int:pk>/gia-han/", lending.paper_loan_extend, name="paper_loan_extend"),
]
