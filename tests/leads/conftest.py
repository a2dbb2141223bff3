"""The self-service screen's fixtures, for the consent question asked there."""

from tests.test_selfservice import printer, screen  # noqa: F401
