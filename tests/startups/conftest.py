import pytest

from tests.factories import ApplicationFactory, ProgramFactory, StartupFactory, UserFactory


@pytest.fixture
def founder(db):
    return UserFactory()


@pytest.fixture
def startup(founder):
    return StartupFactory(owner=founder)


@pytest.fixture
def program(db):
    return ProgramFactory(min_team_size=2)


@pytest.fixture
def draft(startup, program):
    return ApplicationFactory(startup=startup, program=program)


@pytest.fixture
def complete_draft(startup, program):
    return ApplicationFactory(startup=startup, program=program, complete=True)
