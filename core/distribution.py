"""How Pastoral's tables spread over a Citus cluster, derived from the models (docs/scale-out.md).

A **tenant model** has a non-null ``organisation`` foreign key: its table is distributed by ``organisation_id``
and co-located with every other tenant table, so one school's rows sit on one node. Its primary key is
``(organisation_id, id)`` on PostgreSQL (``id`` stays a unique bigint and the ORM's ``pk``), its unique
constraints include ``organisation``, and a foreign key to another tenant table is the composite
``(organisation_id, x_id) → (organisation_id, id)`` unless the two rows belong to different organisations
(``CROSS_ORGANISATION``), when the database does not enforce it and the application does.

Every other model's table is a **reference table** (a copy on every node) unless it is listed in
``COORDINATOR_TABLES`` (it stays on the coordinator). Nothing here needs a list of tenant tables: a new app's
models are classified by their fields, the PostgreSQL schema editor (``core/db/postgresql``) gives a new
tenant table its composite keys as it is created, and ``check_distribution_keys`` (a system check) refuses a
tenant model whose unique constraints leave ``organisation`` out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps as global_apps
from django.core import checks
from django.db import models
from django.db.migrations.operations.base import Operation

DISTRIBUTION_COLUMN = "organisation_id"
ORGANISATION_FIELD = "organisation"

# Foreign keys between tenant tables whose two rows belong to different organisations. The row is owned by the
# organisation that reads and writes it most (docs/scale-out.md, "Records reached across organisations"); the
# key to the other organisation's row is checked by the application, not by the database.
CROSS_ORGANISATION = frozenset(
    {
        "qualifications.Booking.edition",  # a school's booking of the provider's edition
        "qualifications.Booking.cluster",
        "qualifications.Enrolment.edition",  # a school's participant on the provider's edition
        "qualifications.Enrolment.level",
        "qualifications.Enrolment.cluster",
        "qualifications.Enrolment.mentor_session",  # a school's mentor on the provider's optional session
        "qualifications.SessionAttendance.enrolment",  # the provider's register of a school's participant
        "portfolios.Entry.activity",  # a school's portfolio entry answers the provider's activity
        "portfolios.ModuleJudgement.module",
        "portfolios.SampleItem.review",  # the provider's moderation sample of a school's review
        "portfolios.Certificate.portfolio",  # the provider's certificate of a school's portfolio
    }
)

# Models with an organisation that are still reference tables: read by user on every request, across
# organisations (a user's roles), so a copy on every node keeps each request's access check local. Their keys
# into tenant tables are not enforced by the database.
REFERENCE_MODELS = frozenset({"access.RoleAssignment"})

# The providers' programme catalogue: tenant models (each row is one provider's, with the tenant keys), but
# reference tables on Citus. Schools' bookings, places and portfolios point at them across organisations, and
# joins to a reference table stay on one node, where a join between two distributed tables on anything but
# organisation_id is refused or repartitioned. Small (a provider's editions, levels, modules, clusters and
# their days), read on every booking and portfolio page, written rarely: a copy on every node
# (docs/scale-out.md, "Records reached across organisations").
CATALOGUE_MODELS = frozenset(
    {
        "qualifications.Programme",
        "qualifications.Edition",
        "qualifications.Level",
        "qualifications.Module",
        "qualifications.Activity",
        "qualifications.Cluster",
        "qualifications.ClusterFacilitator",
        "qualifications.TrainingDay",
        "qualifications.FeeRule",
        "qualifications.MentorTrainingSession",
    }
)

# Tables that stay on the coordinator: no organisation to shard by, written rarely from one place, or (the two
# automatic many-to-many tables) waiting for an explicit through model with an organisation (docs/scale-out.md).
COORDINATOR_TABLES = frozenset(
    {
        "django_migrations",
        "django_session",
        "django_admin_log",
        "django_tasks_database_dbtaskresult",
        "accounts_signinattempt",
        "audit_auditevent",
        "qualifications_trainingday_modules",
        "support_plans_meeting_attendees",
    }
)


def is_tenant(model: type[models.Model]) -> bool:
    """True for a model with a non-null ``organisation`` foreign key (a model or a migration's historical one)."""
    if model._meta.label in REFERENCE_MODELS:
        return False
    try:
        field = model._meta.get_field(ORGANISATION_FIELD)
    except Exception:
        return False
    return bool(field.is_relation and (field.many_to_one or field.one_to_one) and not field.null)


def field_label(model: type[models.Model], field: Any) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}.{field.name}"


def is_composite_fk(model: type[models.Model], field: Any) -> bool:
    """True when ``field`` is a foreign key between two tenant tables of the same organisation."""
    return (
        field.name != ORGANISATION_FIELD
        and is_tenant(model)
        and is_tenant(field.related_model)
        and field_label(model, field) not in CROSS_ORGANISATION
    )


def fk_enforced(model: type[models.Model], field: Any) -> bool:
    """Whether the database keeps this foreign key on PostgreSQL: every key except one into a tenant table that
    cannot be composite (from a non-tenant table, or across organisations)."""
    if not is_tenant(field.related_model):
        return True
    return is_composite_fk(model, field)


def all_models(app_registry: Any = None) -> list[type[models.Model]]:
    registry = app_registry or global_apps
    return [
        m
        for m in registry.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def tenant_tables(app_registry: Any = None) -> list[str]:
    return sorted({m._meta.db_table for m in all_models(app_registry) if is_tenant(m)})


def distributed_tables(app_registry: Any = None) -> list[str]:
    """The tables Citus distributes by organisation_id: every tenant table but the catalogue's."""
    return sorted(
        {
            m._meta.db_table
            for m in all_models(app_registry)
            if is_tenant(m) and m._meta.label not in CATALOGUE_MODELS
        }
    )


def reference_tables(app_registry: Any = None) -> list[str]:
    """The tables copied to every node: every other table not kept on the coordinator, and the catalogue's."""
    return sorted(
        {
            m._meta.db_table
            for m in all_models(app_registry)
            if (not is_tenant(m) or m._meta.label in CATALOGUE_MODELS)
            and m._meta.db_table not in COORDINATOR_TABLES
        }
    )


def _unique_field_sets(model: type[models.Model]) -> Iterable[tuple[str, list[str]]]:
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            yield constraint.name or "?", list(constraint.fields)
    for together in model._meta.unique_together:
        yield "unique_together", list(together)


def distribution_problems(model: type[models.Model]) -> list[str]:
    """What stops this tenant model's table from being distributed (empty when nothing does)."""
    problems = []
    for name, fields in _unique_field_sets(model):
        if ORGANISATION_FIELD not in fields:
            problems.append(f"unique constraint {name} {tuple(fields)} leaves out '{ORGANISATION_FIELD}'")
    for field in model._meta.local_many_to_many:
        through: Any = field.remote_field.through
        if through._meta.auto_created and through._meta.db_table not in COORDINATOR_TABLES:
            problems.append(
                f"many-to-many field '{field.name}' needs an explicit through model with '{ORGANISATION_FIELD}'"
            )
    return problems


@checks.register(checks.Tags.models, checks.Tags.database)
def check_distribution_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """pastoral.E100: every tenant model can be distributed by organisation (docs/scale-out.md)."""
    errors: list[checks.CheckMessage] = []
    for model in all_models():
        if not is_tenant(model) or model._meta.auto_created:
            continue
        if app_configs is not None and model._meta.app_config not in app_configs:
            continue
        for problem in distribution_problems(model):
            errors.append(
                checks.Error(
                    f"{model._meta.label}: {problem}; Citus cannot distribute it by organisation.",
                    hint="Put 'organisation' first in the constraint's fields (docs/scale-out.md, 'A new app').",
                    obj=model,
                    id="pastoral.E100",
                )
            )
    return errors


class DistributionKeys(Operation):
    """Upgrade an existing PostgreSQL database in place: every tenant table of ``app_label`` gets the primary key
    ``(organisation_id, id)`` and organisation-wide single-column unique constraints, and every foreign key into
    it becomes composite (or is dropped across organisations). Idempotent; nothing on SQLite. A fresh database
    gets the same keys from the schema editor as its tables are created, so there this finds nothing to do."""

    reduces_to_sql = False
    reversible = True

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        from core.db.postgresql.keys import upgrade_tenant_table

        registry = to_state.apps
        for model in registry.get_app_config(app_label).get_models():
            if is_tenant(model) and model._meta.managed and not model._meta.proxy:
                upgrade_tenant_table(schema_editor, model, registry)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        pass  # the composite keys serve the earlier schema too

    def describe(self) -> str:
        return "Composite (organisation_id, id) keys for this app's tenant tables (PostgreSQL)"

    @property
    def migration_name_fragment(self) -> str:
        return "distribution_keys"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [], {})


def _same_organisation_join(field: Any) -> Any:
    """``get_extra_restriction`` for a composite foreign key: the join also matches ``organisation_id``, so Citus
    sees a join on the distribution column (a co-located join, routed to one node) instead of refusing it."""

    def get_extra_restriction(alias: str | None, related_alias: str | None) -> Any:
        if alias is None or related_alias is None:
            return None
        from django.db.models.sql.where import WhereNode

        here = field.model._meta.get_field(ORGANISATION_FIELD)
        there = field.related_model._meta.get_field(ORGANISATION_FIELD)
        condition = WhereNode()
        condition.add(here.get_lookup("exact")(here.get_col(related_alias), there.get_col(alias)), "AND")
        return condition

    return get_extra_restriction


def _organisation_of(value: Any) -> int | None:
    return getattr(value, "organisation_id", None) if isinstance(value, models.Model) else None


def _with_organisation(
    lookup: Any, compiler: Any, connection: Any, sql: str, params: Any, ids: list[int]
) -> Any:
    if not ids or not hasattr(lookup.lhs, "alias"):
        return sql, params
    column = lookup.lhs.target.model._meta.get_field(ORGANISATION_FIELD).get_col(lookup.lhs.alias)
    column_sql, column_params = compiler.compile(column)
    marks = ", ".join(["%s"] * len(ids))
    return f"({sql} AND {column_sql} IN ({marks}))", (*params, *column_params, *ids)


def _same_school_column(rhs: Any) -> Any:
    """For a column the key is compared with (``OuterRef("pk")`` in a subquery, an ``F()``): the column holding that
    row's organisation, when it is the organisation of the row the key points at; else None."""
    target = getattr(rhs, "target", None)
    alias = getattr(rhs, "alias", None)
    if target is None or alias is None or not is_tenant(target.model):
        return None
    if not (target.primary_key or (target.is_relation and is_composite_fk(target.model, target))):
        return None
    return target.model._meta.get_field(ORGANISATION_FIELD).get_col(alias)


def _with_same_organisation_column(lookup: Any, compiler: Any, sql: str, params: Any) -> Any:
    """``filter(referral=OuterRef("pk"))`` also says ``organisation_id = outer.organisation_id``: a correlated
    subquery Citus can push down to each shard."""
    other = _same_school_column(lookup.rhs)
    if other is None or not hasattr(lookup.lhs, "alias"):
        return sql, params
    here = lookup.lhs.target.model._meta.get_field(ORGANISATION_FIELD).get_col(lookup.lhs.alias)
    here_sql, here_params = compiler.compile(here)
    other_sql, other_params = compiler.compile(other)
    return f"({sql} AND {here_sql} = {other_sql})", (*params, *here_params, *other_params)


def _lookups() -> tuple[type, type]:
    from django.db.models.fields.related_lookups import RelatedExact, RelatedIn

    class SameSchoolExact(RelatedExact):
        """``filter(pupil=pupil)`` also says ``organisation_id = pupil.organisation_id``: one node on Citus."""

        def __init__(self, lhs: Any, rhs: Any) -> None:
            organisation = _organisation_of(rhs)
            self.organisation_ids = [organisation] if organisation is not None else []
            super().__init__(lhs, rhs)

        def as_sql(self, compiler: Any, connection: Any) -> Any:
            sql, params = super().as_sql(compiler, connection)
            if not self.organisation_ids:
                return _with_same_organisation_column(self, compiler, sql, params)
            return _with_organisation(self, compiler, connection, sql, params, self.organisation_ids)

    class SameSchoolIn(RelatedIn):
        """``filter(pupil__in=pupils)`` (and prefetching) also says which organisations the pupils belong to."""

        def __init__(self, lhs: Any, rhs: Any) -> None:
            ids = [_organisation_of(v) for v in rhs] if isinstance(rhs, list | tuple | set) else [None]
            known = {i for i in ids if i is not None}
            self.organisation_ids: list[int] = sorted(known) if ids and len(known) == len(set(ids)) else []
            super().__init__(lhs, rhs)

        def as_sql(self, compiler: Any, connection: Any) -> Any:
            sql, params = super().as_sql(compiler, connection)
            return _with_organisation(self, compiler, connection, sql, params, self.organisation_ids)

    return SameSchoolExact, SameSchoolIn


def route_by_organisation() -> int:
    """Every composite foreign key joins on ``organisation_id`` too, and a lookup or related-object fetch by a
    model instance also filters on the instance's organisation, so Citus routes it to one node (PostgreSQL only;
    called from ``PastoralConfig.ready``). Returns how many keys it changed."""
    exact, in_ = _lookups()
    changed = 0
    for model in all_models():
        field: Any
        for field in model._meta.local_fields:
            if (
                field.is_relation
                and (field.many_to_one or field.one_to_one)
                and is_composite_fk(model, field)
            ):
                field.get_extra_restriction = _same_organisation_join(field)
                field.get_extra_descriptor_filter = lambda instance: {
                    "organisation_id": instance.organisation_id
                }
                field.register_lookup(exact, "exact")
                field.register_lookup(in_, "in")
                changed += 1
    return changed


def is_citus_connection(connection: Any) -> bool:
    """Whether the connection's database has the Citus extension (asked once per connection)."""
    if connection.vendor != "postgresql":
        return False
    known = getattr(connection, "_pastoral_is_citus", None)
    if known is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
            known = cursor.fetchone() is not None
        connection._pastoral_is_citus = known
    return known


def saves_stay_on_their_shard() -> None:
    """On Citus, `Model.save()` of an existing tenant row leaves `organisation_id` out of its SET and pins it in
    its WHERE: Citus refuses an UPDATE that writes the distribution column, and a tenant row never changes
    organisation. Plain PostgreSQL and SQLite keep Django's own update (called from ``PastoralConfig.ready``)."""
    from django.db import connections

    original = models.Model._do_update
    if getattr(original, "_pastoral_routed", False):
        return

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):  # type: ignore[no-untyped-def]
        connection = connections[using]
        if connection.vendor == "postgresql" and is_tenant(type(self)) and is_citus_connection(connection):
            values = [v for v in values if v[0].attname != DISTRIBUTION_COLUMN]
            base_qs = base_qs.filter(organisation_id=self.organisation_id)
        return original(self, base_qs, using, pk_val, values, update_fields, forced_update)

    _do_update._pastoral_routed = True  # type: ignore[attr-defined]
    models.Model._do_update = _do_update  # type: ignore[method-assign,assignment]
