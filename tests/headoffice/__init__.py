"""Tests of head office."""
