"""The REST API of the founders' side: public programs and criteria (`public`), my
startups and my applications (`founder`: read; start, edit and submit a draft).

Reads go through `startups.selectors` (another team's objects are not
found: 404), writes through `startups.services` with the form the site
uses for the same answers, so the API refuses exactly what the site does.
"""

from ninja import Router

from startups.api import founder, public

router = Router()
router.add_router("", public.router)
router.add_router("", founder.router)
