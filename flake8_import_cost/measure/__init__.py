"""Measuring how long modules take to import."""
