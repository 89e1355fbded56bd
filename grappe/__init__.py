"""Grappe: software for networks of solidarity buying groups."""
