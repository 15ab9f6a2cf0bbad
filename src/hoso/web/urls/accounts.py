"""URLs of the login code step and the account administration pages (kept apart so each
area has its own file)."""

from django.urls import path

from hoso.web.views import accounts, admin_accounts, my_tokens

urlpatterns: list = [
    path("dang-nhap/ma-xac-thuc/", accounts.otp, name="otp"),
    # Everyone's own API tokens: see and revoke them.
    path("tai-khoan-cua-toi/ma-truy-cap/", my_tokens.my_tokens, name="my_tokens"),
    path(
        "tai-khoan-cua-toi/ma-truy-cap/<int:pk>/thu-hoi/",
        my_tokens.my_token_revoke,
        name="my_token_revoke",
    ),
    path("quan-tri/tai-khoan/", admin_accounts.account_list, name="accounts"),
    path("quan-tri/tai-khoan-moi/", admin_accounts.account_create, name="account_create"),
    path("quan-tri/tai-khoan/<str:username>/", admin_accounts.account_detail, name="account"),
    path(
        "quan-tri/tai-khoan/<str:username>/nhiem-vu/",
        admin_accounts.duty_assign,
        name="account_duty_assign",
    ),
    path(
        "quan-tri/tai-khoan/<str:username>/nhiem-vu/<int:duty_id>/ket-thuc/",
        admin_accounts.duty_end,
        name="account_duty_end",
    ),
    path(
        "quan-tri/tai-khoan/<str:username>/dat-lai-mat-khau/",
        admin_accounts.password_reset,
        name="account_password",
    ),
    path(
        "quan-tri/tai-khoan/<str:username>/khoa/",
        admin_accounts.account_disable,
        name="account_disable",
    ),
    path(
        "quan-tri/tai-khoan/<str:username>/ma-xac-thuc/",
        admin_accounts.totp_enrol,
        name="account_totp",
    ),
]
