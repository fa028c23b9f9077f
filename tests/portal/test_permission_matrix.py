"""Every URL the portal answers, opened by every role: the permission matrix.

The routes come from the URLconf itself (`get_resolver()`, walked
recursively, the admin's included), so a new route with no line in
`EXPECTED` fails `test_every_route_has_an_expectation` until someone says
who may open it. Each (route, role) pair is one GET with real ids from one
fixture world per module; the body of every 2xx answer is searched for the
markers that role must not see (another team's answers and amounts, the
other reviewer's comments before one's own review is submitted, e-mail
addresses), and every 2xx page that shows an application, a score or money
must say `Cache-Control: no-store`.
"""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.portal.matrix_world import ROLES, build_world

pytestmark = [pytest.mark.django_db]

# Expected answers. An int is the status code; a string is a redirect (302)
# whose Location starts with it.
LOGIN = "/accounts/login/?next="
ADMIN_LOGIN = "/admin/login/?next="


def walk(patterns=None, prefix="", namespace=None):
    """(key, route, name, pattern) for every URL pattern, resolvers followed."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name or route, route, name, pattern


ROUTES = {key: (route, name) for key, route, name, _pattern in walk()}

FOUNDERS = ("founder_a", "cofounder_a", "founder_b")
REVIEWERS = ("reviewer_a", "reviewer_free", "reviewer_conflict")


def E(anonymous, founders, reviewers, manager, superuser=None, **roles):
    """One row of the table: by group, then any role of a group on its own."""
    row = {"anonymous": anonymous, "manager": manager}
    row["superuser"] = manager if superuser is None else superuser
    row.update(dict.fromkeys(FOUNDERS, founders))
    row.update(dict.fromkeys(REVIEWERS, reviewers))
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    row.update(roles)
    return row


def A(reviewers, manager, superuser=None, **roles):
    """An admin page: visitors and founders are sent to the admin's login."""
    return E(ADMIN_LOGIN, ADMIN_LOGIN, reviewers, manager, superuser, **roles)


def SITE(founders, reviewers, manager, superuser=None, **roles):
    """A founder page behind the login."""
    return E(LOGIN, founders, reviewers, manager, superuser, **roles)


def everyone(answer):
    return E(answer, answer, answer, answer)


def superuser_only():
    return A(403, 403, 200)


def nobody():
    return A(403, 403, 403)


def managers(answer=200, others=404):
    return A(others, answer)


def model_admin(changelist, add, change, delete, history):
    return {
        "changelist": changelist,
        "add": add,
        "change": change,
        "delete": delete,
        "history": history,
    }


# The unnamed "<object_id>/" route of every model admin redirects to the change page.
def to_change(model):
    return A(f"/admin/{model}/", f"/admin/{model}/")


MODEL_ADMINS = {
    # Users, groups, addresses and second factors: the superuser's alone.
    "auth_group": model_admin(*[superuser_only()] * 5),
    "account_emailaddress": model_admin(*[superuser_only()] * 5),
    "mfa_authenticator": model_admin(*[superuser_only()] * 5),
    "portal_user": model_admin(*[superuser_only()] * 5),
    # The audit trail and the outbox: managers read, nobody adds or deletes.
    "portal_auditentry": model_admin(A(403, 200), nobody(), A(403, 200), nobody(), A(403, 200)),
    "portal_notification": model_admin(A(403, 200), nobody(), A(403, 200), nobody(), A(403, 200)),
    # Startups, applications and invitations: managers read; only the
    # superuser deletes (and adds startups and invitations by hand).
    "startups_startup": model_admin(
        A(403, 200), superuser_only(), A(403, 200), superuser_only(), A(403, 200)
    ),
    "startups_application": model_admin(
        A(403, 200), nobody(), A(403, 200), superuser_only(), A(403, 200)
    ),
    "startups_invitation": model_admin(
        A(403, 200), superuser_only(), A(403, 200), superuser_only(), A(403, 200)
    ),
    # Programs: managers; deleting one is the superuser's.
    # API tokens: the superuser's alone; kept for the audit trail, never deleted.
    "portal_apitoken": model_admin(
        superuser_only(), superuser_only(), superuser_only(), nobody(), superuser_only()
    ),
    "startups_program": model_admin(
        A(403, 200), A(403, 200), A(403, 200), superuser_only(), A(403, 200)
    ),
    # Money: managers only; the ledger and awards are never deleted.
    "programs_award": model_admin(A(403, 200), A(403, 200), A(403, 200), nobody(), A(403, 200)),
    "programs_disbursement": model_admin(
        A(403, 200), A(403, 200), A(403, 200), nobody(), A(403, 200)
    ),
    # Tranches are listed (and searched by the payment form) for managers;
    # the schedule page writes them.
    "programs_tranche": model_admin(A(403, 200), nobody(), A(403, 200), nobody(), A(403, 200)),
    # Milestone reports: managers read and decide on the review page; nobody adds or deletes.
    "programs_milestonereport": model_admin(
        A(403, 200), nobody(), A(404, 200), nobody(), A(403, 200)
    ),
    # Reviewing: a reviewer sees their own rows (the world's assignment is
    # reviewer_a's, the review is the other reviewer's, the conflict is
    # reviewer_conflict's); out of scope is 404; history is for managers.
    "programs_assignment": model_admin(
        A(200, 200),
        A(403, 200),
        A(404, 200, reviewer_a=200),
        nobody(),
        A(403, 200),
    ),
    "programs_review": model_admin(
        A(200, 200),
        nobody(),
        A(404, "/admin/programs/assignment/"),
        nobody(),
        A(403, 200),
    ),
    "programs_conflictofinterest": model_admin(
        A(200, 200),
        A(200, 403),
        A(404, 200, reviewer_conflict=200),
        nobody(),
        A(403, 200),
    ),
}

EXPECTED = {
    # --- The public site and the accounts pages (allauth) ---
    "healthz": everyone(200),
    "favicon": everyone("/static/favicon"),  # to the portal's icon, never a 404
    "home": everyone(200),
    "set_language": everyone(405),  # POST only
    "programs:list": everyone(200),
    "programs:detail": everyone(200),
    # Results are published once a program is decided; the world's call is not.
    "programs:results": everyone(404),
    "programs:results_csv": everyone(404),
    "account_login": E(200, "/", "/", "/"),
    # One's own data: the page, the JSON export, and deleting (POST only).
    "account_data": SITE(200, 200, 200),
    "account_data_export": SITE(200, 200, 200),
    "account_data_delete": SITE(405, 405, 405),
    "account_signup": E(200, "/", "/", "/"),
    "account_logout": E("/", 200, 200, 200),
    "account_inactive": everyone(200),
    "account_reset_password": everyone(200),
    "account_reset_password_done": everyone(200),
    "account_reset_password_from_key": everyone(200),  # says the link is bad
    "account_reset_password_from_key_done": everyone(200),
    "account_confirm_email": everyone(200),  # says the link is bad
    "account_email_verification_sent": everyone(200),
    "account_confirm_login_code": E("/accounts/login/", "/", "/", "/"),
    "account_change_password": SITE(200, 200, 200),
    "account_set_password": SITE(*["/accounts/password/change/"] * 3),
    "account_email": SITE(200, 200, 200),
    "account_reauthenticate": SITE(200, 200, 200),
    "account_request_reauthentication_code": SITE(200, 200, 200),
    "account_confirm_reauthentication_code": SITE(*["/accounts/reauthenticate/code/"] * 3),
    "mfa_index": SITE(200, 200, 200),
    "mfa_authenticate": E("/accounts/login/", "/", "/", "/"),
    "mfa_reauthenticate": SITE("/accounts/reauthenticate/", 200, 200),
    "mfa_activate_totp": E("/accounts/login/?next=", *["/accounts/reauthenticate/?next="] * 3),
    "mfa_generate_recovery_codes": E(
        "/accounts/login/?next=", *["/accounts/reauthenticate/?next="] * 3
    ),
    # Founders have no second factor, so nothing to deactivate or download.
    "mfa_deactivate_totp": SITE(404, *["/accounts/reauthenticate/?next="] * 2),
    "mfa_view_recovery_codes": SITE(404, *["/accounts/reauthenticate/?next="] * 2),
    "mfa_download_recovery_codes": SITE(404, *["/accounts/reauthenticate/?next="] * 2),
    # --- Founders: their own startup and application; anyone else 404 ---
    "startups:dashboard": SITE(200, 200, 200),
    "startups:startup_create": SITE(200, 200, 200),
    "startups:startup_detail": SITE(200, 404, 404, founder_b=404),
    "startups:startup_edit": SITE(200, 404, 404, founder_b=404),
    "startups:application_detail": SITE(200, 404, 404, founder_b=404),
    # Submitted: the edit page sends the team to the read-only page.
    "startups:application_edit": SITE("/applications/", 404, 404, founder_b=404),
    # The assigned reviewer and managers read the deck; nobody else knows it exists.
    # The team's route (and managers'); reviewers read the deck on their assignment.
    "startups:pitch_deck": SITE(200, 404, 200, founder_b=404),
    # One application per startup and program: A's team lands on theirs, B on
    # B's; a user without a startup is asked to describe one first.
    "startups:apply": SITE("/applications/", "/startups/new/?next=", "/startups/new/?next="),
    # The invitation link is the secret: whoever has it sees who invites them.
    "startups:invitation_accept": SITE(200, 200, 200),
    # POST only (their refusals are in test_post_refused_and_nothing_changes).
    "startups:invitation_create": SITE(405, 405, 405),
    "startups:invitation_revoke": SITE(405, 405, 405),
    "startups:member_remove": SITE(405, 405, 405),
    "startups:application_submit": SITE(405, 405, 405),
    "startups:application_withdraw": SITE(405, 405, 405),
    "startups:application_publication": SITE(405, 405, 405),
    # --- The REST API (tests use each role's token: founders founder:read+write,
    # reviewers reviewer:read, managers and the superuser manager:read+write;
    # none for visitors). Pages around it use the session like the site. ---
    "api_schema": everyone(200),
    "api_docs": everyone(200),
    "api_tokens": SITE(200, 200, 200),
    "api_token_revoke": SITE(405, 405, 405),
    "api:api-root": everyone(404),
    "api:programs_list": everyone(200),
    "api:program_detail": everyone(200),
    "api:program_results": everyone(404),  # the program is not decided yet
    # Founder routes: the team's own; another founder 404; staff tokens lack the scope.
    "api:my_startups": E(401, 200, 403, 403),
    "api:my_startup": E(401, 200, 403, 403, founder_b=404),
    "api:my_applications": E(401, 200, 403, 403),
    "api:application_start": E(401, 200, 403, 403),  # its GET is the list
    "api:my_application": E(401, 200, 403, 403, founder_b=404),
    "api:application_update": E(401, 200, 403, 403, founder_b=404),  # its GET is the read
    "api:application_submit": everyone(405),  # POST only
    "api:application_pitch_deck": everyone(405),  # POST only (multipart)
    "api:my_assignments": E(401, 403, 200, 403),
    # Manager routes; POST/PUT-only routes answer GET with 405.
    "api:program_applications": E(401, 403, 403, 200),
    "api:managed_application": E(401, 403, 403, 200),
    "api:application_decide": everyone(405),
    "api:awards_list": E(401, 403, 403, 200),
    "api:award_create": E(401, 403, 403, 200),  # its GET is the list
    "api:award_detail": E(401, 403, 403, 200),
    "api:award_schedule": everyone(405),
    "api:disbursement_record": everyone(405),
    "api:disbursement_reverse": everyone(405),
    "api:report_funding": E(401, 403, 403, 200),
    "api:ledger_feed": E(401, 403, 403, 200),
    # Milestone reports: managers all of them; each team its own (founder scope);
    # reviewers none. The writes are POST/PATCH (their refusals in _api_writes).
    "api:reports_list": E(401, 403, 403, 200),
    "api:report_detail": E(401, 403, 403, 200),
    "api:report_approve": everyone(405),
    "api:report_return": everyone(405),
    "api:my_reports": E(401, 200, 403, 403),  # founder_b: an empty list
    "api:my_report": E(401, 200, 403, 403, founder_b=404),
    "api:report_update": E(401, 200, 403, 403, founder_b=404),  # its GET is the read
    "api:report_attach": everyone(405),
    "api:report_submit": everyone(405),
    # A milestone report: the team's page; its PDFs also for managers.
    "programs:report_detail": SITE(200, 404, 404, founder_b=404),
    "programs:report_attachment": SITE(200, 404, 200, founder_b=404),
    "programs:report_attachment_remove": SITE(405, 405, 405),  # POST only
    # --- The admin site ---
    "admin:index": A(200, 200),
    "admin:app_list": A(200, 200),
    "admin:jsi18n": A(200, 200),
    # Asked for the assignment form's application field (see QUERY): only who
    # may fill that form gets its choices; without the parameters, nobody.
    "admin:autocomplete": A(403, 200),
    "admin:password_change": A(200, 200),
    "admin:password_change_done": A(200, 200),
    # Staff sign in through allauth (rate limits, second factor).
    "admin:login": E("/accounts/login/?next=/admin/", "/", "/admin/", "/admin/"),
    "admin:logout": E("/admin/", "/admin/", 405, 405),  # POST only
    "admin/(?P<url>.*)$": A(404, 404),
    # Only what the user may open in the admin; otherwise as if it did not exist.
    "admin:view_on_site": A(404, "http://testserver/programs/matrix-program/"),
    "admin:auth_user_password_change": superuser_only(),
    "admin:startups_program_progress": managers(),
    "admin:startups_program_board": managers(),
    "admin:startups_program_suggest": managers(),
    "admin:startups_program_suggest_result": managers(),
    "admin:startups_program_second_opinion": managers(),
    # A background job: who may start its kind (here managers); a finished
    # suggestion opens its result page.
    "admin:job_progress": managers("/admin/startups/program/"),
    "admin:job_status": managers(),
    "admin:startups_program_finalise": managers("/admin/startups/program/"),  # POST only
    "admin:programs_award_schedule": managers(),
    "admin:programs_award_report": managers(),
    "admin:programs_award_report_export": managers(),
    "admin:programs_award_ledger_export": managers(),
    "admin:programs_disbursement_reverse": managers(),
    "admin:programs_milestonereport_figures": managers(),
    # Background jobs of the programs app: the result of an assignment run, and
    # the funding exports (started by POST; the file is a manager's download).
    "admin:startups_program_job_result": managers(),
    "admin:programs_award_export_start": managers(405),  # POST only
    "admin:programs_award_export_result": managers(),
    "admin:programs_award_export_download": managers(),
    # The review page: the assigned reviewer and managers.
    "admin:programs_assignment_review": A(404, 200, reviewer_a=200),
    # POST only, and only by the assigned reviewer.
    "admin:programs_assignment_conflict": A(404, 404),
    "admin:programs_assignment_pitch_deck": A(404, 200, reviewer_a=200),
}
for _model, _views in MODEL_ADMINS.items():
    _app, _name = _model.split("_", 1)
    for _view, _row in _views.items():
        EXPECTED[f"admin:{_model}_{_view}"] = _row
    EXPECTED[f"admin/{_app}/{_name}/<path:object_id>/"] = to_change(f"{_app}/{_name}")

QUERY = {
    "admin:autocomplete": (
        "?app_label=programs&model_name=assignment&field_name=application&term=Startup"
    ),
    "admin:programs_award_report_export": "?format=csv",
    "admin:programs_award_ledger_export": "?format=csv",
}
# Pages that show an application, a score or money: a 2xx answer must not be stored.
PRIVATE = {key for key in EXPECTED if key.startswith(("admin", "startups:"))}

# The object each admin model's object_id routes open.
ADMIN_OBJECTS = {
    "auth/group": "group",
    "account/emailaddress": "email_address",
    "mfa/authenticator": "authenticator",
    "portal/user": "founder_a",
    "portal/auditentry": "audit_entry",
    "portal/notification": "notification",
    "portal/apitoken": "api_token",
    "startups/startup": "startup_a",
    "startups/application": "application_a",
    "startups/invitation": "invitation",
    "programs/award": "award",
    "programs/disbursement": "disbursement",
    "programs/tranche": "tranche",
    "programs/milestonereport": "milestone_report",
    "startups/program": "program",
    "programs/assignment": "assignment_a",
    "programs/review": "review_other",
    "programs/conflictofinterest": "conflict",
}
# What `job_id` means where it is not the suggestion's job.
JOB_OBJECTS = {
    "admin:startups_program_job_result": "assignment_job",
    "admin:programs_award_export_result": "export_job",
    "admin:programs_award_export_download": "export_job",
}
# What `pk` means in each named route that has one.
PK_OBJECTS = {
    "admin:programs_award_schedule": "award",
    "admin:programs_disbursement_reverse": "disbursement",
    "admin:startups_program_progress": "program",
    "admin:startups_program_board": "program",
    "admin:startups_program_suggest": "program",
    "admin:startups_program_suggest_result": "program",
    "admin:startups_program_second_opinion": "program",
    "admin:startups_program_finalise": "program",
    "admin:startups_program_job_result": "program",
    "admin:programs_assignment_review": "assignment_a",
    "admin:programs_assignment_conflict": "assignment_a",
    "admin:programs_assignment_pitch_deck": "assignment_a",
    "startups:startup_detail": "startup_a",
    "startups:startup_edit": "startup_a",
    "startups:invitation_create": "startup_a",
    "startups:invitation_revoke": "startup_a",
    "startups:member_remove": "startup_a",
    "startups:application_detail": "application_a",
    "startups:application_edit": "application_a",
    "startups:application_submit": "application_a",
    "startups:application_withdraw": "application_a",
    "startups:application_publication": "application_a",
    "startups:pitch_deck": "application_a",
    "api_token_revoke": "api_token",
    "programs:report_detail": "milestone_report",
    "programs:report_attachment": "milestone_report",
    "programs:report_attachment_remove": "milestone_report",
}


def _object(world, name):
    return world.users[name] if name in world.users else world.objects[name]


def url_for(key: str, world) -> str:
    """The route of `key` filled with real ids from the world."""
    route, name = ROUTES[key]
    pattern = next(p for k, _r, _n, p in walk() if k == key)
    params = list(pattern.pattern.regex.groupindex)
    admin_model = re.match(r"admin/(\w+/\w+)/", route)
    kwargs = {}
    for param in params:
        if param == "object_id" and name == "admin:view_on_site":
            kwargs[param] = world.program.pk
        elif param == "object_id":
            kwargs[param] = _object(world, ADMIN_OBJECTS[admin_model.group(1)]).pk
        elif param == "pk":
            kwargs[param] = _object(world, PK_OBJECTS[key]).pk
        else:
            kwargs[param] = {
                "content_type_id": world.program_ct.pk,
                "invitation_pk": world.invitation.pk,
                "attachment_pk": world.report_attachment.pk,
                "membership_pk": world.membership_cofounder.pk,
                "token": world.invitation.token,
                "slug": world.program.slug,
                "job_id": world.objects[JOB_OBJECTS.get(key, "job")].pk,
                "startup_id": world.startup_a.pk,
                "application_id": world.application_a.pk,
                "award_id": world.award.pk,
                "tranche_id": world.tranche.pk,
                "disbursement_id": world.disbursement.pk,
                "report_id": world.milestone_report.pk,
                "id": world.users["founder_a"].pk,
                "app_label": "programs",
                "key": "no-such-key",
                "uidb36": "zz",
                "url": "no-such-page/",
            }[param]
    if name:
        return reverse(name, kwargs=kwargs)
    if route.endswith("<path:object_id>/"):
        return "/" + route.replace("<path:object_id>", str(kwargs["object_id"]))
    if key == "admin/(?P<url>.*)$":
        return "/admin/no-such-page/"
    raise AssertionError(f"no way to build the URL of {key!r}")


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(autouse=True)
def _private_media(settings, world_media):
    """The world's pitch decks live in the module's folder, for every test of it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(world_media)},
        },
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    """One world for the module, rolled back at its end (each test in a savepoint)."""
    from django.conf import settings
    from django.test import override_settings

    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(world_media)},
        },
    }
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                STORAGES=storages,
            ):
                built = build_world()
                built.clients = {role: _signed_in(built, role) for role in ROLES}
                built.api_clients = {role: _with_token(built, role) for role in ROLES}
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _signed_in(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _with_token(world, role: str) -> Client:
    """A client carrying a token with every scope the role may hold (none for visitors)."""
    if role == "anonymous":
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {world.api_tokens[role]}")


def client_for(world, key: str, role: str) -> Client:
    return (world.api_clients if key.startswith("api:") else world.clients)[role]


NO_STORE = "portal.middleware.NoStoreForSignedInMiddleware"


def test_no_store_middleware_is_installed():
    from django.conf import settings

    middleware = list(settings.MIDDLEWARE)
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware.index(NO_STORE) > auth


def observed(response) -> int | str:
    if response.status_code == 302:
        return response["Location"]
    return response.status_code


def body(response) -> str:
    if response.streaming:
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    return data.decode("utf-8", errors="replace")


def test_every_route_has_an_expectation():
    missing = sorted(set(ROUTES) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(ROUTES))
    assert missing == [], f"routes nobody said who may open: {missing}"
    assert stale == [], f"expectations for routes that no longer exist: {stale}"
    for key, row in EXPECTED.items():
        assert sorted(row) == sorted(ROLES), key


def test_route_keys_are_unique():
    keys = [key for key, _route, _name, _pattern in walk()]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", sorted(ROUTES))
def test_route_answers_each_role_as_expected(world, key, role):
    if key not in EXPECTED:
        pytest.fail(f"no expectation for {key!r}: say in EXPECTED who may open it")
    expected = EXPECTED[key][role]
    url = url_for(key, world) + QUERY.get(key, "")
    response = client_for(world, key, role).get(url)
    if isinstance(expected, str):
        assert (response.status_code, response.get("Location", "")[: len(expected)]) == (
            302,
            expected,
        ), f"{url} as {role}: {observed(response)!r}"
    else:
        assert response.status_code == expected, f"{url} as {role}: {observed(response)!r}"
    if 200 <= response.status_code < 300:
        text = body(response)
        leaked = [marker for marker in world.forbidden[role] if marker in text]
        assert leaked == [], f"{url} shows {role} what they must not see"
        if role != "anonymous" or key in PRIVATE:
            cache_control = response.get("Cache-Control", "")
            assert "no-store" in cache_control, f"{url} as {role}: {cache_control!r}"


# --- The markers are real: each shows where it may (else the leak checks prove nothing) ---

SHOWN = [
    (
        "founder_a",
        "startups:application_detail",
        ["ALPHA-SECRET-PROBLEM", "12,468,013", "3,141,593"],
    ),
    ("cofounder_a", "startups:startup_detail", ["founder-a@alpha-team.kz"]),
    ("reviewer_a", "admin:programs_assignment_review", ["ALPHA-SECRET-TRACTION", "13,579,246"]),
    ("reviewer_a", "admin:programs_assignment_review", ["OWN-DRAFT-MARKER-0", "OWN-NOTE-MARKER"]),
    ("manager", "admin:programs_assignment_review", ["OTHER-COMMENT-MARKER-1"]),
    ("manager", "admin:programs_disbursement_changelist", ["PAYMENT-REF-MARKER", "3,141,593"]),
    ("manager", "admin:programs_award_change", ["12468013.00", "Alpha Startup"]),
    ("reviewer_conflict", "admin:programs_conflictofinterest_change", ["CONFLICT-REASON-MARKER"]),
    ("manager", "admin:portal_notification_changelist", ["reviewer-a@expert-one.kz"]),
    ("founder_a", "programs:report_detail", ["REPORT-SECRET-MARKER"]),
    ("cofounder_a", "programs:report_detail", ["REPORT-SECRET-MARKER"]),
    ("manager", "admin:programs_milestonereport_change", ["REPORT-SECRET-MARKER"]),
    ("founder_a", "api:my_report", ["REPORT-SECRET-MARKER", "9326420.00"]),
    ("cofounder_a", "api:my_reports", ["9326420.00"]),
    ("manager", "api:report_detail", ["REPORT-SECRET-MARKER", "9326420.00"]),
    ("manager", "api:award_detail", ["12468013.00", '"report": {"id"']),
]


@pytest.mark.parametrize(("role", "key", "markers"), SHOWN)
def test_markers_show_where_they_may(world, role, key, markers):
    response = client_for(world, key, role).get(url_for(key, world))
    assert response.status_code == 200
    text = body(response)
    assert [m for m in markers if m not in text] == []


# --- Ledger rows and reviewing rows: the change page is read-only ---


@pytest.mark.parametrize(
    ("role", "key"),
    [
        ("manager", "admin:programs_award_change"),
        ("manager", "admin:programs_disbursement_change"),
        ("manager", "admin:programs_assignment_change"),
        ("reviewer_a", "admin:programs_assignment_change"),
        ("reviewer_conflict", "admin:programs_conflictofinterest_change"),
        ("manager", "admin:programs_conflictofinterest_change"),
    ],
)
def test_change_page_of_a_service_written_row_is_read_only(world, role, key):
    response = world.clients[role].get(url_for(key, world))
    assert response.status_code == 200
    text = body(response)
    form = re.search(r'<form\b[^>]*id="\w+_form".*?</form>', text, re.DOTALL).group(0)
    # Only hidden inputs (the token, the tranche inline's management form).
    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", form)
    assert [f for f in fields if 'type="hidden"' not in f] == []
    assert 'name="_save"' not in text


# --- "View on site": only for objects the user may see in the admin ---


def test_view_on_site_answers_a_reviewer_as_for_a_missing_id(world):
    client = world.clients["reviewer_a"]
    ct = world.application_ct.pk
    existing = client.get(f"/admin/r/{ct}/{world.application_a.pk}/")
    missing = client.get(f"/admin/r/{ct}/987654321/")
    assert (existing.status_code, missing.status_code) == (404, 404)
    assert existing.content == missing.content


def test_view_on_site_leads_a_manager_to_the_object(world):
    ct = world.program_ct.pk
    response = world.clients["manager"].get(f"/admin/r/{ct}/{world.program.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/programs/matrix-program/"
    missing = world.clients["manager"].get(f"/admin/r/{ct}/987654321/")
    assert missing.status_code == 404


def test_view_on_site_never_leads_staff_to_a_founders_page(world):
    """Applications, startups and invitations are the team's pages (and a token)."""
    ct = world.application_ct.pk
    response = world.clients["manager"].get(f"/admin/r/{ct}/{world.application_a.pk}/")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["reviewer_a", "reviewer_free", "reviewer_conflict", "manager"])
def test_view_on_site_link_only_where_it_leads_somewhere(world, role):
    """Every "view on site" link a change page shows this role answers with a redirect."""
    client = world.clients[role]
    links = 0
    for key in sorted(k for k in EXPECTED if k.endswith("_change") and k.startswith("admin:")):
        response = client.get(url_for(key, world))
        if response.status_code != 200:
            continue
        for link in re.findall(r'href="(/admin/r/\d+/[^"]+/)"', body(response)):
            links += 1
            assert client.get(link).status_code == 302, (key, link)
    # Managers open programs, whose public page the link leads to.
    assert (links > 0) == (role == "manager")


# --- State-changing POSTs: a role without permission is refused and nothing changes ---


def snapshot() -> tuple:
    """Every row a refused POST could have touched, in a comparable form."""
    from django.contrib.auth import get_user_model

    from portal.models import AuditEntry, Notification
    from programs.models import (
        Assignment,
        Award,
        ConflictOfInterest,
        Disbursement,
        MilestoneReport,
        MilestoneReportAttachment,
        Review,
        Score,
        Tranche,
    )
    from startups.models import Application, Invitation, Membership, Program, Startup

    def rows(queryset, *fields):
        return list(queryset.order_by("pk").values_list("pk", *fields))

    return (
        rows(
            Application.objects,
            "status",
            "problem",
            "requested_amount",
            "version",
            "publish_consent",
            "one_line_pitch",
        ),
        rows(Startup.objects, "name"),
        rows(Membership.objects, "user_id", "role"),
        rows(Invitation.objects, "email", "revoked_at", "accepted_at"),
        rows(Program.objects, "status", "name", "committed"),
        rows(Award.objects, "amount", "status"),
        rows(Tranche.objects, "amount", "planned_date", "milestone"),
        rows(Disbursement.objects, "amount"),
        rows(MilestoneReport.objects, "status", "answers", "due_date", "revenue", "users"),
        rows(MilestoneReportAttachment.objects, "name"),
        rows(Assignment.objects, "reviewer_id", "status"),
        rows(Review.objects, "status", "note_for_managers"),
        rows(Score.objects, "value", "comment"),
        rows(ConflictOfInterest.objects, "reviewer_id", "startup_id"),
        rows(get_user_model().objects, "email", "is_staff", "is_superuser", "is_active"),
        Notification.objects.count(),
        AuditEntry.objects.count(),
    )


def _posts(w):
    """(url name, object, data, {role: expected}) for a representative set of writes."""
    b = w.application_b
    c1, c2 = list(w.program.criteria.order_by("pk"))
    second_tranche = w.award.tranches.order_by("sequence").last()
    review = {f"score_{c1.pk}": "1", f"score_{c2.pk}": "1", "submit": "1", "note": "HIJACK"}
    return [
        (
            "startups:application_edit",
            "application_a",
            {"problem": "HIJACK"},
            {"founder_b": 404, "reviewer_a": 404, "manager": 404},
        ),
        (
            "startups:application_withdraw",
            "application_a",
            {"note": "HIJACK"},
            {"anonymous": LOGIN, "founder_b": 404, "reviewer_a": 404, "manager": 404},
        ),
        ("startups:application_submit", "application_a", {}, {"founder_b": 404, "superuser": 404}),
        (
            "startups:application_publication",
            "application_a",
            {"publish_consent": "on", "one_line_pitch": "HIJACK"},
            {"anonymous": LOGIN, "founder_b": 404, "reviewer_a": 404, "manager": 404},
        ),
        (
            "startups:startup_edit",
            "startup_a",
            {"name": "HIJACK"},
            {"founder_b": 404, "reviewer_a": 404, "manager": 404},
        ),
        (
            "startups:invitation_create",
            "startup_a",
            {"email": "hijack@hijack.kz"},
            {"anonymous": LOGIN, "founder_b": 404, "manager": 404},
        ),
        ("startups:invitation_revoke", None, {}, {"founder_b": 404, "reviewer_a": 404}),
        ("startups:member_remove", None, {}, {"founder_b": 404, "manager": 404}),
        ("account_data_delete", None, {"confirm": "DELETE"}, {"anonymous": LOGIN}),
        (
            "admin:programs_award_add",
            None,
            {"application": b.pk, "amount": "1000", "agreement_date": "2026-01-01"},
            {"founder_a": ADMIN_LOGIN, "reviewer_a": 403},
        ),
        (
            "admin:programs_award_schedule",
            "award",
            {
                "tranche-TOTAL_FORMS": "1",
                "tranche-INITIAL_FORMS": "0",
                "tranche-0-amount": "1",
                "tranche-0-planned_date": "2026-01-01",
                "tranche-0-milestone": "HIJACK",
            },
            {"reviewer_a": 404, "founder_a": ADMIN_LOGIN},
        ),
        (
            "admin:programs_disbursement_add",
            None,
            {
                "tranche": second_tranche.pk,
                "amount": "1",
                "paid_on": "2026-03-01",
                "reference": "HIJACK",
            },
            {"reviewer_a": 403, "founder_b": ADMIN_LOGIN},
        ),
        (
            "admin:programs_disbursement_reverse",
            "disbursement",
            {"note": "HIJACK"},
            {"reviewer_a": 404, "reviewer_free": 404},
        ),
        (
            "admin:programs_disbursement_delete",
            "disbursement",
            {"post": "yes"},
            {"manager": 403, "superuser": 403},
        ),
        ("admin:programs_award_delete", "award", {"post": "yes"}, {"superuser": 403}),
        (
            "admin:startups_program_board",
            "program",
            {"decision": "selected", "ids": [b.pk], "note": "HIJACK"},
            {"reviewer_a": 404, "founder_a": ADMIN_LOGIN},
        ),
        (
            "admin:startups_program_finalise",
            "program",
            {"undecided": "rejected"},
            {"reviewer_a": 404, "reviewer_conflict": 404},
        ),
        (
            "admin:startups_program_suggest",
            "program",
            {"accept": "1", "ids": [b.pk]},
            {"reviewer_free": 404},
        ),
        ("admin:startups_program_progress", "program", {"remind": "1"}, {"reviewer_a": 404}),
        ("admin:startups_program_change", "program", {"name": "HIJACK"}, {"reviewer_a": 403}),
        (
            "admin:programs_assignment_add",
            None,
            {"application": b.pk, "reviewer": w.users["reviewer_free"].pk},
            {"reviewer_a": 403, "founder_b": ADMIN_LOGIN},
        ),
        # Someone else's review: not found for another reviewer; a manager reads only.
        (
            "admin:programs_assignment_review",
            "assignment_a",
            review,
            {"reviewer_free": 404, "reviewer_conflict": 404, "manager": 404, "superuser": 404},
        ),
        (
            "admin:programs_assignment_conflict",
            "assignment_a",
            {"reason": "HIJACK"},
            {"reviewer_free": 404, "manager": 404},
        ),
        (
            "admin:programs_conflictofinterest_add",
            None,
            {"startup": w.startup_b.pk, "reason": "HIJACK"},
            {"manager": 403},
        ),
        (
            "admin:programs_review_changelist",
            None,
            {"action": "reopen", "_selected_action": [w.review_other.pk], "index": "0"},
            {"reviewer_a": 200},
        ),
        (
            "admin:portal_user_change",
            "founder_a",
            {"email": w.users["founder_a"].email, "is_staff": "on", "is_superuser": "on"},
            {"manager": 403, "reviewer_a": 403},
        ),
        ("admin:startups_application_delete", "application_a", {"post": "yes"}, {"manager": 403}),
        (
            "programs:report_detail",
            "milestone_report",
            {"section_progress": "HIJACK", "submit": "1"},
            {"founder_b": 404, "reviewer_a": 404, "manager": 404, "superuser": 404},
        ),
        ("programs:report_attachment_remove", None, {}, {"founder_b": 404, "manager": 404}),
        (
            "admin:programs_milestonereport_change",
            "milestone_report",
            {"decision": "approve"},
            {"reviewer_a": 404, "founder_a": ADMIN_LOGIN},
        ),
    ]


def _post_url(name, obj, w):
    if name == "startups:invitation_revoke":
        return reverse(name, args=[w.startup_a.pk, w.invitation.pk])
    if name == "programs:report_attachment_remove":
        return reverse(name, args=[w.milestone_report.pk, w.report_attachment.pk])
    if name == "startups:member_remove":
        return reverse(name, args=[w.startup_a.pk, w.membership_cofounder.pk])
    if obj is None:
        return reverse(name)
    return reverse(name, args=[_object(w, obj).pk])


POST_CASES = 30


def test_post_case_list_is_what_the_parametrisation_runs(world):
    assert len(_posts(world)) == POST_CASES


@pytest.mark.parametrize("index", range(POST_CASES))
def test_post_refused_and_nothing_changes(world, index):
    name, obj, data, expected_by_role = _posts(world)[index]
    url = _post_url(name, obj, world)
    for role, expected in expected_by_role.items():
        before = snapshot()
        response = world.clients[role].post(url, data)
        if isinstance(expected, str):
            assert response.status_code == 302, (url, role, observed(response))
            assert response["Location"].startswith(expected), (url, role)
        else:
            assert response.status_code == expected, (url, role, observed(response))
        assert snapshot() == before, (url, role)


def _api_writes(w):
    """(method, url, JSON body, {role: expected}) for the REST API's writes."""
    app_a, tranche, report = w.application_a.pk, w.tranche.pk, w.milestone_report.pk
    return [
        (
            "patch",
            f"/api/v1/founder/applications/{app_a}",
            {"version": 1, "problem": "HIJACK"},
            {"anonymous": 401, "founder_b": 404, "reviewer_a": 403, "manager": 403},
        ),
        (
            "post",
            f"/api/v1/founder/applications/{app_a}/submit",
            {},
            {"founder_b": 404, "manager": 403, "superuser": 403},
        ),
        (
            "post",
            f"/api/v1/manager/applications/{w.application_b.pk}/decision",
            {"decision": "selected", "exception_reason": "HIJACK"},
            {"anonymous": 401, "founder_a": 403, "reviewer_a": 403, "reviewer_free": 403},
        ),
        (
            "post",
            f"/api/v1/manager/tranches/{tranche}/disbursements",
            {"amount": "1.00", "paid_on": "2026-02-04", "reference": "HIJACK"},
            {"founder_a": 403, "reviewer_a": 403, "reviewer_conflict": 403},
        ),
        (
            "post",
            f"/api/v1/manager/disbursements/{w.disbursement.pk}/reverse",
            {"note": "HIJACK"},
            {"founder_a": 403, "cofounder_a": 403, "reviewer_a": 403},
        ),
        (
            "put",
            f"/api/v1/manager/awards/{w.award.pk}/tranches",
            {"tranches": [{"amount": "1.00", "planned_date": "2026-02-01", "milestone": "X"}]},
            {"founder_a": 403, "reviewer_a": 403},
        ),
        (
            "patch",
            f"/api/v1/founder/milestone-reports/{report}",
            {"answers": {"progress": "HIJACK"}, "figures": {"users": 1}},
            {"anonymous": 401, "founder_b": 404, "reviewer_a": 403, "manager": 403},
        ),
        (
            "post",
            f"/api/v1/founder/milestone-reports/{report}/submit",
            {},
            {"founder_b": 404, "reviewer_free": 403, "superuser": 403},
        ),
        (
            # The file is read before the report is looked up: refusals by scope only.
            "post",
            f"/api/v1/founder/milestone-reports/{report}/attachments",
            {},
            {"anonymous": 401, "reviewer_a": 403, "manager": 403},
        ),
        (
            "post",
            f"/api/v1/manager/milestone-reports/{report}/approve",
            {},
            {"anonymous": 401, "founder_a": 403, "reviewer_a": 403, "reviewer_conflict": 403},
        ),
        (
            "post",
            f"/api/v1/manager/milestone-reports/{report}/return",
            {"comments": "HIJACK"},
            {"founder_a": 403, "cofounder_a": 403, "reviewer_a": 403},
        ),
    ]


@pytest.mark.parametrize("index", range(11))
def test_api_write_refused_and_nothing_changes(world, index):
    method, url, data, expected_by_role = _api_writes(world)[index]
    for role, expected in expected_by_role.items():
        before = snapshot()
        client = world.api_clients[role]
        response = getattr(client, method)(url, data, content_type="application/json")
        assert response.status_code == expected, (url, role, response.content[:200])
        assert response.json()["error"]["code"] in {"not_authenticated", "forbidden", "not_found"}
        assert snapshot() == before, (url, role)


def test_snapshot_sees_a_permitted_write(world):
    """The same POST by the one role allowed to make it changes the snapshot."""
    before = snapshot()
    url = reverse("admin:programs_assignment_conflict", args=[world.assignment_a.pk])
    response = world.clients["reviewer_a"].post(url, {"reason": "My cousin's company."})
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))
    assert snapshot() != before
