"""The one way a status changes: a table of allowed moves per stateful noun.

Every stateful noun (application, program, assignment, review, award)
declares a `StateMachine`: its model, its status enum, the table of allowed
moves, the audit action, and optionally a history-row builder and hooks
queued after commit. `transition` is the only writer of a `status` field:
it locks the rows (in primary-key order, so two bulk moves cannot
deadlock), refuses the whole batch if one move is not in the table, leaves
rows already at the target alone, writes only the named fields, records a
history row (where the noun has a history table) and an audit entry per
moved row, and queues the machine's hooks with `transaction.on_commit`.

A single move is the bulk path with one item. This module imports no app:
each app builds its machine in its own code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.db import connections, models, transaction
from django.db.models import Q
from django.db.models.expressions import Combinable, RawSQL
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.audit import Actor, audit_entry, audit_record_many
from portal.bulk import rows_insert
from portal.exceptions import DomainError
from portal.history_notes import note_full


class TransitionRefused(DomainError):
    """A move the noun's table does not allow."""


@dataclass
class Move[M: models.Model]:
    """One row that moved: its object (updated in place), from, to, and its history row."""

    obj: M
    source: str
    target: str
    at: datetime
    history: models.Model | None = None


@dataclass(frozen=True)
class HistoryNote:
    """Why a move was made: a code and its parameters (`portal.history_notes`), a person's text."""

    text: str = ""
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StateMachine[M: models.Model]:
    """A stateful noun: the table of allowed moves and what a move records.

    `fields_for(target, now)` gives the other fields set with a move to
    `target` (for example `submitted_at`); `history(moves, actor, note)`
    returns one unsaved history row per move (bulk-created; the note is a
    `HistoryNote`); each of `after_commit` receives the list of moves once
    the transaction has committed.
    """

    model: type[M]
    states: type[models.TextChoices]
    table: Mapping[str, frozenset[str]]
    audit_action: str
    refused_message: str | Promise = field(
        default=_("It cannot go from “%(source)s” to “%(target)s”."),
    )
    status_field: str = "status"
    fields_for: Callable[[str, datetime], dict[str, Any]] | None = None
    history: Callable[[list[Move[M]], Actor, HistoryNote], Sequence[models.Model]] | None = None
    after_commit: tuple[Callable[[list[Move[M]]], None], ...] = ()

    def __post_init__(self) -> None:
        missing = set(self.states) - set(self.table)
        if missing:
            raise ValueError(f"{self.model.__name__}: no row for {sorted(missing)}")

    def allows(self, source: str, target: str) -> bool:
        return self.states(target) in self.table[self.states(source)]

    def allowed_targets(self, source: str) -> frozenset[str]:
        return self.table[self.states(source)]


def transition[M: models.Model](
    *,
    machine: StateMachine[M],
    objects: Sequence[M],
    to: str,
    actor: Actor,
    note: str = "",
    note_code: str = "",
    note_params: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
    audit_before: Mapping[str, Any] | None = None,
    audit_after: Mapping[str, Any] | None = None,
    audit_action: str = "",
) -> list[Move[M]]:
    """Move `objects` to `to`; returns the moves made (none for rows already there).

    Raises TransitionRefused, moving nothing, when any move is not allowed.
    `values` are further fields written with the move (plain values or
    `F()` expressions); `audit_before` and `audit_after` add detail to each
    audit entry, `audit_action` names it when the machine's name is too
    general. `note_code` and `note_params` record the portal's own reason
    (rendered in each reader's language); `note` is a person's text. The
    caller's objects are updated in place.
    """
    history_note = HistoryNote(text=note, code=note_code, params=dict(note_params or {}))
    states = machine.states
    target = states(to)
    status = machine.status_field
    model = machine.model
    with transaction.atomic():
        current: dict[Any, str] = dict(
            model._default_manager.select_for_update()
            .filter(_pk_in(model, [obj.pk for obj in objects]))
            .order_by("pk")
            .values_list("pk", status)
        )
        moving = [obj for obj in objects if current[obj.pk] != target]
        for obj in moving:
            source = states(current[obj.pk])
            if target not in machine.table[source]:
                raise TransitionRefused(
                    machine.refused_message % {"source": source.label, "target": target.label}
                )
        if not moving:
            for obj in objects:
                setattr(obj, status, target)
            return []
        now = timezone.now()
        written: dict[str, Any] = {status: target}
        for auto_now in _auto_now_fields(model):
            written[auto_now] = now
        if machine.fields_for is not None:
            written.update(machine.fields_for(target, now))
        written.update(values or {})
        model._default_manager.filter(_pk_in(model, [obj.pk for obj in moving])).update(**written)
        _apply_in_place(moving, written)
        for obj in objects:
            setattr(obj, status, target)
        moves = [
            Move(obj=obj, source=current[obj.pk], target=target.value, at=now) for obj in moving
        ]
        if machine.history is not None:
            rows = machine.history(moves, actor, history_note)
            rows_insert(rows)
            for move, row in zip(moves, rows, strict=True):
                move.history = row
        audit_record_many(
            [
                audit_entry(
                    actor=actor,
                    action=audit_action or machine.audit_action,
                    obj=move.obj,
                    before={status: move.source, **(audit_before or {})},
                    after={status: move.target, **(audit_after or {})},
                    # A staff-only technical record: in the active language.
                    note=note_full(code=note_code, params=note_params, text=note),
                )
                for move in moves
            ]
        )
        for hook in machine.after_commit:
            transaction.on_commit(partial(hook, moves))
    return moves


def _pk_in(model: type[models.Model], keys: list[Any]) -> Q:
    """`pk__in=keys`; on PostgreSQL one array parameter rather than one per key."""
    connection = connections[model._default_manager.db]
    pk = model._meta.pk
    if connection.vendor != "postgresql" or pk is None or len(keys) < 2:
        return Q(pk__in=keys)
    # The type comes from the model's own metadata; the keys are one parameter.
    return Q(pk__in=RawSQL(f"SELECT unnest(%s::{pk.db_type(connection)}[])", (keys,)))  # noqa: S611


def _auto_now_fields(model: type[models.Model]) -> list[str]:
    # A queryset update does not touch auto_now fields; the move must.
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def _apply_in_place(objects: Iterable[models.Model], written: Mapping[str, Any]) -> None:
    expressions = [name for name, value in written.items() if isinstance(value, Combinable)]
    for obj in objects:
        for name, value in written.items():
            if name not in expressions:
                setattr(obj, name, value)
        if expressions:
            obj.refresh_from_db(fields=expressions)
