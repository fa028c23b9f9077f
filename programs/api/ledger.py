"""The ledger feed: every payment and reversal once, in id order, page after page.

An accounting system follows the ledger with `?after=<last id seen>`. Ids
come from a sequence, drawn when a row is inserted, not when it commits: a
payment that drew id 10 may commit after one that drew id 11 was read, and
a reader that moved its cursor to 11 would never see 10.

So the reader takes `LOCK TABLE … IN SHARE MODE` for the page's transaction.
SHARE conflicts with the ROW EXCLUSIVE lock every INSERT holds until its
transaction ends, and an INSERT takes that lock before it draws its id:
once the reader holds the lock, every id drawn so far is committed (or
rolled back, a gap nobody will fill) and every later id will be larger than
any the page can return. The page's SELECT, run after the lock, sees them
all. Payments wait only while a page is read (one indexed range scan of at
most `limit` rows); the wait is bounded by `lock_timeout`.
"""

from django.db import OperationalError, connection, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from portal.api.auth import MANAGER_READ
from portal.api.errors import ERRORS, ApiError
from programs.api.common import DISBURSEMENT_RELATED, MAX_ID, DisbursementOut, disbursement_out
from programs.models import Disbursement

router = Router(tags=["manager"])

LOCK_TIMEOUT = "5s"


class FeedQuery(Schema):
    after: int = Field(0, ge=0, le=MAX_ID, description="the last entry id already read")
    limit: int = Field(100, ge=1, le=1000)


class FeedOut(Schema):
    entries: list[DisbursementOut]
    next_after: int = Field(description="pass as `after` for the next page")
    has_more: bool


def ledger_page(*, after: int, limit: int) -> tuple[list[Disbursement], bool]:
    """Entries with id > after, oldest first; never one that an earlier id can still follow."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(Disbursement._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
        rows = list(
            Disbursement.objects.filter(pk__gt=after)
            .select_related(*DISBURSEMENT_RELATED)
            .order_by("pk")[: limit + 1]
        )
    return rows[:limit], len(rows) > limit


@router.get("/manager/ledger", response={200: FeedOut, **ERRORS}, auth=MANAGER_READ)
def ledger_feed(request: HttpRequest, query: Query[FeedQuery]):
    """Ledger entries after `after`, in id order: page until `has_more` is false, keep
    `next_after`, and ask again later; no entry is ever skipped or repeated."""
    try:
        rows, more = ledger_page(after=query.after, limit=query.limit)
    except OperationalError as exc:  # the lock was not had within LOCK_TIMEOUT
        raise ApiError(
            409, "busy", _("Payments are being recorded; try again in a moment.")
        ) from exc
    return {
        "entries": [disbursement_out(entry) for entry in rows],
        "next_after": rows[-1].pk if rows else query.after,
        "has_more": more,
    }
