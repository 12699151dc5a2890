import pytest
from celery import Task
from django.conf import settings
from django.utils.module_loading import import_string


def test_every_beat_entry_names_a_celery_task():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        task = import_string(entry["task"])
        assert isinstance(task, Task), entry["task"]
        assert task.name == entry["task"]
    assert len(settings.CELERY_BEAT_SCHEDULE) >= 4


def test_report_rendering_goes_to_its_own_queue():
    assert settings.CELERY_TASK_ROUTES["reporting.tasks.render_report"] == {"queue": "reports"}


@pytest.mark.django_db
def test_tasks_run_with_room_on_the_frame_stack():
    from dla_suivi.celery import RoomTask
    from reporting.tasks import reap_stale_jobs

    assert isinstance(reap_stale_jobs, RoomTask)
    # Through the worker's path (eager in tests) and called directly: the task's own result.
    assert reap_stale_jobs.delay().get() == 0
    assert reap_stale_jobs() == 0
