"""Writes for milestone reports: the team writes and submits, a manager returns or approves.

The race this module exists to close: a tranche after the first may be
paid only once its report is approved. `tranche_report_require` runs in
the payment's transaction with the award and tranche locked and locks the
report row too (`FOR UPDATE`), so a payment never reads a report that an
approval is committing; approval locks the award first, then the report
(the payment's order, so the two cannot deadlock). Approved is final, so
a payment that saw "approved" can never be undone by the report moving
back. The ledger's own trigger (migration 0009) refuses an insert that
slipped past all of this.

Every move goes through `MILESTONE_REPORT_MACHINE` (history row, audit
entry); the team is e-mailed in its language when its report is returned
or approved (outbox rows in the same transaction).
"""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record
from portal.exceptions import DomainError, permission_require
from portal.models import NotificationKind, User
from portal.notifications import notification_create_for_users
from portal.transitions import transition
from portal.validators import validate_multiline
from programs.milestones import report_sections
from programs.models import (
    Award,
    MilestoneReport,
    MilestoneReportAttachment,
    MilestoneReportChange,
    MilestoneReportStatus,
    Tranche,
)
from programs.models.milestones import EDITABLE_REPORT_STATES
from programs.public_pages import public_pages_invalidate
from programs.rules import EDIT_MILESTONE_REPORT, MANAGE_PROGRAMS
from programs.states import MILESTONE_REPORT_MACHINE
from startups.models import program_name_for_mail
from startups.selectors import team_recipients

Status = MilestoneReportStatus
FIGURES = ("revenue", "users", "jobs_created", "investment_raised")
MAX_ATTACHMENTS = 10


class ReportRefused(DomainError):
    pass


def milestone_reports_sync(*, award: Award) -> list[MilestoneReport]:
    """Give each tranche after the first its report (a draft due on the tranche's date).

    Called by `tranches_set` in its transaction, after the new schedule is written.
    """
    tranches = list(award.tranches.filter(sequence__gt=1, report__isnull=True))
    return MilestoneReport.objects.bulk_create(
        [MilestoneReport(tranche=t, due_date=t.planned_date) for t in tranches]
    )


def tranche_report_require(*, tranche: Tranche) -> None:
    """Refuse a payment of a tranche whose milestone report is not approved.

    Called by `disbursement_record` with the award and tranche locked; the
    report row is locked here, so an approval still committing is waited for.
    """
    if tranche.sequence <= 1:
        return
    report = MilestoneReport.objects.select_for_update().filter(tranche=tranche).first()
    if report is None or report.status != Status.APPROVED:
        raise ReportRefused(
            _(
                "Tranche %(n)d cannot be paid yet: the report on its milestone "
                "(“%(milestone)s”) is not approved."
            )
            % {"n": tranche.sequence, "milestone": tranche.milestone}
        )


def reports_all_approved(*, award: Award) -> bool:
    """No tranche after the first is waiting for its report (completion needs this too)."""
    return not (
        MilestoneReport.objects.filter(tranche__award=award)
        .exclude(status=Status.APPROVED)
        .exists()
    )


def milestone_report_save(
    *,
    report: MilestoneReport,
    actor: User,
    answers: Mapping[str, str],
    figures: Mapping[str, Any],
    attachments: Sequence[File] = (),
    submit: bool = False,
) -> MilestoneReport:
    """Store the team's draft (answers per section, the period's figures, new PDFs).

    With `submit`, every section must be answered; the report then goes to
    the program office and is read-only for the team until it is returned.
    """
    saved: list[MilestoneReportAttachment] = []
    try:
        with transaction.atomic():
            report = _save(report, actor, answers, figures, attachments, submit, saved)
    except BaseException:
        # The transaction is undone; so are the files it stored.
        for attachment in saved:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        raise
    return report


def _save(
    report: MilestoneReport,
    actor: User,
    answers: Mapping[str, str],
    figures: Mapping[str, Any],
    attachments: Sequence[File],
    submit: bool,
    saved: list[MilestoneReportAttachment],
) -> MilestoneReport:
    report = (
        MilestoneReport.objects.select_for_update(of=("self",))
        .select_related("tranche__award__program")
        .get(pk=report.pk)
    )
    permission_require(
        user=actor,
        perm=EDIT_MILESTONE_REPORT,
        obj=report,
        message=_("This report is with the program office; it cannot be changed now."),
    )
    sections = report_sections(report.tranche.award.program)
    clean: dict[str, str] = {}
    for key, _title in sections:
        text = (answers.get(key) or "").strip()
        try:
            validate_multiline(text)
        except ValidationError as error:
            raise ReportRefused(*error.messages) from error
        clean[key] = text
    values = {name: figures.get(name) for name in FIGURES}
    for name in FIGURES:
        value = values[name]
        if value is not None and Decimal(value) < 0:
            raise ReportRefused(_("Figures cannot be negative."))
    if report.attachments.count() + len(attachments) > MAX_ATTACHMENTS:
        raise ReportRefused(
            _("A report can have at most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}
        )
    if submit:
        missing = [str(title) for key, title in sections if not clean[key]]
        if missing:
            raise ReportRefused(
                _("Answer every section before submitting: %(sections)s.")
                % {"sections": ", ".join(missing)}
            )
    MilestoneReport.objects.filter(pk=report.pk).update(
        answers=clean, updated_by=actor, updated_at=timezone.now(), **values
    )
    for upload in attachments:
        saved.append(_attach(report, upload, actor))
    report.refresh_from_db()
    if submit:
        transition(
            machine=MILESTONE_REPORT_MACHINE,
            objects=[report],
            to=Status.SUBMITTED,
            actor=actor,
        )
    return report


def _attach(report: MilestoneReport, upload: File, actor: User) -> MilestoneReportAttachment:
    assert upload.name is not None
    field = MilestoneReportAttachment._meta.get_field("file")
    # The upload path does not depend on the row (no instance yet).
    stored = field.storage.save(field.generate_filename(None, upload.name), upload)  # type: ignore[arg-type]
    return MilestoneReportAttachment.objects.create(
        report=report,
        file=stored,
        name=upload.name[:255],
        pages=getattr(upload, "page_count", None),
        uploaded_by=actor,
    )


def milestone_report_attachment_remove(
    *, attachment: MilestoneReportAttachment, actor: User
) -> None:
    """Take a PDF off a report the team may still change."""
    with transaction.atomic():
        report = MilestoneReport.objects.select_for_update().get(pk=attachment.report_id)
        permission_require(
            user=actor,
            perm=EDIT_MILESTONE_REPORT,
            obj=report,
            message=_("This report is with the program office; it cannot be changed now."),
        )
        name = attachment.file.name or ""
        storage = attachment.file.storage
        MilestoneReportAttachment.objects.filter(pk=attachment.pk).delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def _manager_required(actor: User) -> None:
    permission_require(
        user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers review reports.")
    )


def _locked(report: MilestoneReport) -> tuple[Award, MilestoneReport]:
    # The award first, then the report: the payment's order (see the header).
    award_id = Tranche.objects.values_list("award_id", flat=True).get(pk=report.tranche_id)
    award = (
        Award.objects.select_for_update(of=("self",))
        .select_related("application__startup", "program")
        .get(pk=award_id)
    )
    locked = (
        MilestoneReport.objects.select_for_update(of=("self",))
        .select_related("tranche")
        .get(pk=report.pk)
    )
    return award, locked


def milestone_report_return(
    *, report: MilestoneReport, actor: User, comments: str
) -> MilestoneReportChange:
    """Send a submitted report back to the team with the manager's comments."""
    _manager_required(actor)
    comments = (comments or "").strip()
    if not comments:
        raise ReportRefused(_("Say what the team should change."))
    try:
        validate_multiline(comments)
    except ValidationError as error:
        raise ReportRefused(*error.messages) from error
    with transaction.atomic():
        award, report = _locked(report)
        moves = transition(
            machine=MILESTONE_REPORT_MACHINE,
            objects=[report],
            to=Status.RETURNED,
            actor=actor,
            note=comments,
        )
        if not moves:
            raise ReportRefused(_("This report was already returned."))
        change = moves[0].history
        assert isinstance(change, MilestoneReportChange)
        _tell_team(
            award, report, NotificationKind.REPORT_RETURNED, f"returned:{change.pk}", comments
        )
    return change


def milestone_report_approve(*, report: MilestoneReport, actor: User) -> MilestoneReport:
    """Approve a submitted report: its tranche may now be paid.

    If the tranche is already paid and nothing else is owed (a schedule
    paid before reports existed), the award completes here.
    """
    from programs.services.funding import award_settle

    _manager_required(actor)
    with transaction.atomic():
        award, report = _locked(report)
        moves = transition(
            machine=MILESTONE_REPORT_MACHINE, objects=[report], to=Status.APPROVED, actor=actor
        )
        if moves:
            _tell_team(award, report, NotificationKind.REPORT_APPROVED, "approved", "")
            award_settle(award=award, actor=actor)
            # The public pages show the reported figures and the completed projects.
            public_pages_invalidate()
    return report


def milestone_report_set_due(*, report: MilestoneReport, due_date: date, actor: User) -> None:
    """Move a report's due date (reminders follow the new date)."""
    _manager_required(actor)
    with transaction.atomic():
        locked = MilestoneReport.objects.select_for_update().get(pk=report.pk)
        if locked.due_date == due_date:
            return
        MilestoneReport.objects.filter(pk=locked.pk).update(due_date=due_date)
        audit_record(
            actor=actor,
            action="milestone_report.due",
            obj=locked,
            before={"due_date": locked.due_date.isoformat()},
            after={"due_date": due_date.isoformat()},
        )


def _tell_team(award: Award, report: MilestoneReport, kind: str, event: str, comments: str) -> None:
    notification_create_for_users(
        kind=kind,
        event_key=f"milestone-report:{report.pk}:{event}",
        users=team_recipients(startup=award.application.startup),
        obj=report,
        context=report_mail_context(award, report) | {"comments": comments},
    )


def report_mail_context(award: Award, report: MilestoneReport) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "program": program_name_for_mail(award.program),
        "startup": award.application.startup.name,
        "sequence": report.tranche.sequence,
        "milestone": report.tranche.milestone,
        "due_on": report.due_date.isoformat(),
        "path": reverse("programs:report_detail", args=[report.pk]),
    }


__all__ = [
    "EDITABLE_REPORT_STATES",
    "ReportRefused",
    "milestone_report_approve",
    "milestone_report_attachment_remove",
    "milestone_report_return",
    "milestone_report_save",
    "milestone_report_set_due",
    "milestone_reports_sync",
    "reports_all_approved",
    "tranche_report_require",
]
