"""URLs of the security pages (kept apart so each area has its own file)."""

from django.urls import path

from hoso.web.views import audit_pages, consent, grants

urlpatterns: list = [
    # Written approvals: recorded by a records manager, seen by their grantee.
    path("phe-duyet/", grants.grant_list, name="grants"),
    path("phe-duyet/ghi-nhan/", grants.grant_new, name="grant_new"),
    path("phe-duyet/<int:pk>/", grants.grant_detail, name="grant"),
    path("phe-duyet/<int:pk>/thu-hoi/", grants.grant_revoke, name="grant_revoke"),
    path("quyen-khai-thac-cua-toi/", grants.my_grants, name="my_grants"),
    # The employee: consents and who saw their dossier.
    path("dong-y/", consent.consent, name="consent"),
    path("dong-y/van-ban/<int:grant_pk>/", consent.consent_give, name="consent_give"),
    path("dong-y/<int:consent_pk>/rut-lai/", consent.consent_withdraw, name="consent_withdraw"),
    # The audit trail and alerts: auditors and records managers, for their scope.
    path("nhat-ky/", audit_pages.audit_events, name="audit_events"),
    path("nhat-ky/xuat-csv/", audit_pages.audit_export, name="audit_export"),
    path("nhat-ky/ho-so/<path:personal_id>/", audit_pages.audit_person, name="audit_person"),
    path("nhat-ky/tai-khoan/<path:username>/", audit_pages.audit_user, name="audit_user"),
    path("canh-bao/", audit_pages.alerts, name="alerts"),
    path("canh-bao/<int:pk>/xac-nhan/", audit_pages.alert_acknowledge, name="alert_acknowledge"),
]
