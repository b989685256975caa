"""Turning the validated `Site` into the files of the built site."""
