"""Django's async-safety guard stays on outside the browser tests.

`tests/browser/conftest.py` allows ORM calls beside Playwright's event loop
only while the browser package runs; run after it (pytest collects
tests/browser first), this test shows the switch was restored.
"""

import asyncio

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import SynchronousOnlyOperation


@pytest.mark.django_db
def test_orm_call_inside_a_running_event_loop_is_refused():
    async def count_users() -> int:
        return get_user_model().objects.count()

    with pytest.raises(SynchronousOnlyOperation):
        asyncio.run(count_users())
