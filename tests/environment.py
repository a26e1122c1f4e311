"""Test-wide environment, loaded as a plugin (-p tests.environment) before pytest-django reads the settings."""

import os

# The suite runs the production settings with a throwaway key; DEBUG stays off as Django's runner forces it.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("TASKS_BACKEND", "immediate")
