"""The seeded demo as the browser tests' world, and the pages a founder and the office open.

The layout, accessibility and guide tests look at the pages people really
see: the demo `make run` serves (`seed_demo`, small), with last year's
funded application, its tranches and payments, the current call under
review and the demo logins. One helper per role signs in through the real
forms (staff with their authenticator code).
"""

import re
from dataclasses import dataclass

from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from portal.models import User
from programs.management.demo.data import DEMO_PASSWORD
from startups.enums import ApplicationStatus
from startups.models import Application, Program, Startup
from startups.services import invitation_create, startup_create
from tests.mfa_helpers import current_code, give_totp

LANGUAGES = ("en", "ru", "kk")
FOUNDER = "founder@demo.kz"
MANAGER = "manager@demo.kz"
REVIEWER = "reviewer@experts.kz"
CURRENT = "startup-kazakhstan-2026"
PAST = "startup-kazakhstan-2025"


@dataclass
class DemoWorld:
    founder: User
    startup: Startup
    second_startup: Startup
    draft: Application
    funded: Application
    invitation_path: str
    current: Program
    past: Program


def demo_seed(*, applications: int = 30) -> DemoWorld:
    """The demo (quietly), plus what the founder pages need beyond it.

    A second startup of the founder's own, so that applying asks which one,
    and an invitation to another team waiting for the founder.
    """
    call_command("seed_demo", "--applications", str(applications), "--reviewers", "6")
    founder = User.objects.get(email=FOUNDER)
    startup = Startup.objects.get(name="Qazaq Agro Cold")
    second = startup_create(
        user=founder,
        data={
            "name": "Saryarqa Drones",
            "country": "KZ",
            "region": "karaganda",
            "sector": "agritech",
            "stage": "idea",
            "team_size": 2,
            "description": "Crop-spraying drones rented by the hour to small farms.",
        },
    )
    other = Startup.objects.get(name="Steppe Robotics")
    owner = other.memberships.get(role="owner").user
    invitation = invitation_create(startup=other, email=FOUNDER, actor=owner, language="en")
    mine = Application.objects.filter(startup=startup)
    return DemoWorld(
        founder=founder,
        startup=startup,
        second_startup=second,
        draft=mine.get(status=ApplicationStatus.DRAFT),
        funded=mine.exclude(status=ApplicationStatus.DRAFT).get(),
        invitation_path=reverse("startups:invitation_accept", args=[invitation.token]),
        current=Program.objects.get(slug=CURRENT),
        past=Program.objects.get(slug=PAST),
    )


def public_paths(world: DemoWorld) -> list[str]:
    return [
        "/",
        "/programs/",
        world.current.get_absolute_url(),
        world.past.get_absolute_url(),
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]


def founder_paths(world: DemoWorld) -> list[str]:
    """Every page of startups/urls.py and portal/urls.py a signed-in founder opens."""
    startup, draft, funded = world.startup, world.draft, world.funded
    return [
        "/",
        "/programs/",
        world.current.get_absolute_url(),
        reverse("startups:dashboard"),
        reverse("startups:startup_create"),
        reverse("startups:startup_detail", args=[startup.pk]),
        reverse("startups:startup_edit", args=[startup.pk]),
        reverse("startups:apply", args=[world.current.slug]),  # two startups: which one?
        reverse("startups:application_edit", args=[draft.pk]),
        reverse("startups:application_detail", args=[draft.pk]),
        reverse("startups:application_detail", args=[funded.pk]),  # history, tranches
        world.invitation_path,
        reverse("account_data"),
        reverse("account_change_password"),
        reverse("account_email"),
        reverse("mfa_index"),
    ]


def set_language(user: User, code: str) -> None:
    """A signed-in user's stored preference decides the language of their pages."""
    User.objects.filter(pk=user.pk).update(preferred_language=code)


def founder_login(context) -> object:
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_login", FOUNDER)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    # Signed in (the navbar may be folded away on a phone, its logout form is there).
    expect(page.locator(f'form[action="{reverse("account_logout")}"]')).to_be_attached()
    return page


def staff_login(context, email: str) -> object:
    """Password, then the authenticator code (the demo staff are enrolled in TOTP)."""
    user = User.objects.get(email=email)
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.fill("#id_code", current_code(give_totp(user, recovery_codes=False)))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    return page


def overflowing(page, width: int) -> list[str]:
    """The first few elements reaching past `width` (outside a box that scrolls on its own)."""
    return page.evaluate(
        """width => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1)
            .filter(el => !el.closest('.table-responsive, .board-scroll'))
            .slice(0, 4)
            .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                 + (el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))""",
        width,
    )
