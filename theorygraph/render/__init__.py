"""Rendering: interactive HTML theory maps and graph exports."""
