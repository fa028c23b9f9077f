"""The REST API of the program office: public results, reviewers' assignments,
managers' applications with scores, decisions, awards, tranches, the ledger
(and its incremental feed), milestone reports and the funding report; the
team's own milestone reports (founder scope).

Every route asks the same rules as the admin (the token's scope is granted
only to a user `programs.manage_programs` or `programs.review_applications`
admits, and the services ask `permission_require` again); writes go through
the same services (`programs.services.selection`, `programs.services.funding`).
"""

from ninja import Router

from programs.api import founder_reports, ledger, manager, milestones, public, reviewer

router = Router()
router.add_router("", public.router)
router.add_router("", reviewer.router)
router.add_router("", manager.router)
router.add_router("", ledger.router)
router.add_router("", milestones.router)
router.add_router("", founder_reports.router)
