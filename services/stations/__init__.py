"""Stations service: stations, services delivered (person-times), programmes, events, 12345 appeals."""
