from startups.enums import ApplicationStatus


def statuses(request) -> dict:
    """Templates compare statuses with the enum (`ApplicationStatus.DRAFT`), not a string."""
    return {"ApplicationStatus": ApplicationStatus}
