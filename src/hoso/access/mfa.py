"""The second factor (TOTP, RFC 6238) as django-otp keeps it: reading devices and codes.

Writing (enrolment) is `access.services.totp_enrol`; verifying a code at login is
`django_otp.verify_token`, which locks the device row, refuses a code already used and
slows down repeated failures. Nothing here writes.
"""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Ứng dụng xác thực"


def is_verified(user: object) -> bool:
    """True only for a session that passed the one-time code (`OTPMiddleware` sets the check;
    without it, nothing is verified)."""
    check = getattr(user, "is_verified", None)
    return bool(callable(check) and check())


def confirmed_device(user: Any) -> TOTPDevice | None:
    """The account's confirmed TOTP device, or None (the account cannot log in)."""
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("-pk").first()


def base32_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in by hand."""
    return b32encode(device.bin_key).decode("ascii")


def otpauth_uri(device: TOTPDevice) -> str:
    """`otpauth://totp/…` for an authenticator app (django-otp builds it from the device)."""
    return str(device.config_url)


def code_at(device: TOTPDevice, moment: float) -> str:
    """The code the device shows at `moment` (Unix time)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = moment
    return f"{totp.token():0{device.digits}d}"


def acceptable_code(device: TOTPDevice, now: float | None = None) -> tuple[str, int] | None:
    """The code of the current step and the seconds it stays acceptable, or None once it
    was used (a code is accepted once: wait for the next step).

    Never a later step's code: accepting one moves the device's drift forward (django-otp
    follows the prover's clock), and the person's own app would then fall out of step.
    """
    now = time.time() if now is None else now
    step = int((now - device.t0) // device.step) + device.drift
    if step <= device.last_t:
        return None
    elapsed = int((now - device.t0) % device.step)
    return code_at(device, now), device.step - elapsed + device.tolerance * device.step
