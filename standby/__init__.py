"""Standby: IT Service Continuity Management."""

__version__ = "0.1.0"
