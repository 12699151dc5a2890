import os

from celery import Celery, Task

from .datastack import call_with_room

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dla_suivi.settings.dev")


class RoomTask(Task):
    """A task's frames in one chunk of the interpreter's frame stack, as a request's
    (``dla_suivi/datastack.py``): the worker's refreshes run the same code as the pages."""

    def __call__(self, *args, **kwargs):
        return call_with_room(super().__call__, *args, **kwargs)


app = Celery("dla_suivi", task_cls=RoomTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender, **kwargs):
    # kombu's filesystem transport expects its folders to exist.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
