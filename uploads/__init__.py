"""Checking uploaded files: the type from the content, the size, a safe display name.

A small library with no models, shared by every app that accepts a file from
outside (case documents, consultants' proposals). It decides nothing about
storage: callers store the bytes under a name of their own making and keep the
sanitised name only for display and for the download's file name.
"""

from .checks import ALLOWED_KINDS, CheckedFile, FileKind, UploadRefused, check_upload
from .names import sanitise_name

__all__ = [
    "ALLOWED_KINDS",
    "CheckedFile",
    "FileKind",
    "UploadRefused",
    "check_upload",
    "sanitise_name",
]
