"""The session store of the hot path: one query loads the session, its user and the user's current roles.

Every signed-in request used to make three: the session row, the user (`ModelBackend.get_user`) and the
role assignments with their organisations (`access.permissions.access_for`). The session row now also
carries the signed-in user's id (`user_id`, written with the session), so one statement joins the three.
Nothing about what is checked changes: Django's `auth.get_user` still verifies the backend and the
session's password hash against the user row, and the user must still be active; the preloaded user is
only handed to it for the id the session names, during that one call (`preloaded_user`).

The table is still `django_session` (the column is added by accounts' migration 0004), so a session
written by any other store, or before the column existed, has no `user_id` and simply takes the old
path: three queries, same answers.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import connection
from django.utils import timezone

from accounts.models import UserSession

# The user this request's session row joined to, while `auth.get_user` runs (see accounts.backends).
preloaded_user: contextvars.ContextVar[Any] = contextvars.ContextVar("pastoral_preloaded_user", default=None)


class SessionStore(DBStore):
    """The database store, writing `user_id` with the row and reading session, user and roles at once."""

    preloaded: tuple[Any, list[tuple[Any, ...]]] | None = None
    # the user's confirmed TOTP devices by persistent id, for the second-factor check (accounts.middleware)
    preloaded_devices: dict[str, Any] | None = None

    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        obj = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        obj.user_id = int(user_id) if user_id is not None and str(user_id).isdigit() else None  # type: ignore[attr-defined]
        return obj  # type: ignore[return-value]

    def _get_session_from_db(self) -> UserSession | None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from access.models import RoleAssignment
        from accounts.models import User
        from organisations.models import Organisation

        self.preloaded = self.preloaded_devices = None
        if not self.session_key:  # as the ORM would: no key, no row
            self._session_key = None
            return None
        user_fields = list(User._meta.concrete_fields)
        org_fields = list(Organisation._meta.concrete_fields)
        device_fields = list(TOTPDevice._meta.concrete_fields)

        def qn(name: str | None) -> str:
            return connection.ops.quote_name(str(name))

        today = connection.ops.adapt_datefield_value(timezone.localdate())
        sql = (
            "SELECT s.session_data, "  # noqa: S608 (names from the models; values are parameters)
            + ", ".join(f"u.{qn(f.column)}" for f in user_fields)
            + ", r.role, r.site_id, r.year_group, r.group_id, r.id, "
            + ", ".join(f"o.{qn(f.column)}" for f in org_fields)
            + ", "
            + ", ".join(f"d.{qn(f.column)}" for f in device_fields)
            + f" FROM django_session s LEFT JOIN {qn(User._meta.db_table)} u ON u.id = s.user_id"
            f" LEFT JOIN {qn(RoleAssignment._meta.db_table)} r ON r.user_id = u.id AND r.starts_on <= %s"
            " AND (r.ends_on IS NULL OR r.ends_on >= %s)"
            f" LEFT JOIN {qn(Organisation._meta.db_table)} o ON o.id = r.organisation_id"
            f" LEFT JOIN {qn(TOTPDevice._meta.db_table)} d ON d.user_id = u.id AND d.confirmed = %s"
            " WHERE s.session_key = %s AND s.expire_date > %s ORDER BY r.id, d.id"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [today, today, True, self.session_key, now])
            rows = cursor.fetchall()
        if not rows:
            self._session_key = None
            return None
        first = rows[0]
        session = UserSession(session_key=self.session_key, session_data=first[0])
        n_user = len(user_fields)
        user_values = first[1 : 1 + n_user]
        if user_values[0] is not None:
            user = User.from_db(
                connection.alias, [f.attname for f in user_fields], _converted(user_fields, user_values)
            )
            grants, seen = [], set()
            org_names = [f.attname for f in org_fields]
            n_org = len(org_fields)
            devices: dict[str, Any] = {}
            for row in rows:
                device_values = row[6 + n_user + n_org :]
                if device_values[0] is not None and device_values[0] not in devices:
                    device = TOTPDevice.from_db(
                        connection.alias,
                        [f.attname for f in device_fields],
                        _converted(device_fields, device_values),
                    )
                    devices[device.persistent_id] = device
                role, site_id, year_group, group_id = row[1 + n_user : 5 + n_user]
                assignment_id = row[5 + n_user]
                org_values = row[6 + n_user : 6 + n_user + n_org]
                if role is None or org_values[0] is None or assignment_id in seen:
                    continue  # no role, or the same role again on another device's row
                seen.add(assignment_id)
                organisation = Organisation.from_db(
                    connection.alias, org_names, _converted(org_fields, org_values)
                )
                grants.append((organisation, role, site_id, year_group, group_id))
            self.preloaded = (user, grants)
            self.preloaded_devices = {d.persistent_id: d for d in devices.values()}
        return session


_CONVERTERS: dict[tuple[str, Any], list[list[tuple[Any, Any]]]] = {}


def _converted(fields: list[Any], values: tuple[Any, ...]) -> list[Any]:
    """Database values as the ORM would hand them to `from_db` (e.g. SQLite's booleans and datetimes)."""
    key = (connection.vendor, fields[0].model)
    converters = _CONVERTERS.get(key)
    if converters is None:
        converters = []
        for field in fields:
            col = field.get_col(field.model._meta.db_table)
            found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
            converters.append([(converter, col) for converter in found])
        _CONVERTERS[key] = converters
    out = []
    for field_converters, value in zip(converters, values, strict=True):
        for converter, col in field_converters:
            value = converter(value, col, connection)
        out.append(value)
    return out
