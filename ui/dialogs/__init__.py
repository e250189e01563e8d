"""Dialogs opened from the menus: help, interface import, pilot calibration, report export.
"""
