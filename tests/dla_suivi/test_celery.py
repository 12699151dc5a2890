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
