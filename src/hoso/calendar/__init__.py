"""Working days and deadlines (DOMAIN.md "Working days and holidays").

`engine` is pure (no Django): the calendar, counting and deadline policy. `selectors` builds
them from the ``calendar_override`` and ``deadline_policy`` catalogs.
"""
