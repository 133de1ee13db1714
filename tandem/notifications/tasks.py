"""Background tasks of the notifications app: send one email, and retry the failed ones."""

from __future__ import annotations

from django_tasks import task

from tandem.notifications.delivery import notification_email_send, notification_emails_retry
from tandem.periodic import periodic


@task()
def send_notification_email(notification_id: int) -> str:
    """Email one notification (enqueued by `notify` once its transaction commits)."""
    return notification_email_send(notification_id=notification_id)


@periodic
@task()
def retry_notification_emails() -> dict[str, int]:
    """Retry failed notification emails whose wait is over; give up after five tries."""
    return notification_emails_retry()
