from django.urls import path

from governance.accounts import two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/", two_factor_views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/off/", two_factor_views.two_factor_disable, name="two-factor-disable"),
    path(
        "two-factor/recovery-codes/",
        two_factor_views.two_factor_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("logout/", views.logout_view, name="logout"),
    path("me/", views.account_view, name="account"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
