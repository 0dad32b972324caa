"""The AI EdTech Quality Register: a catalogue of AI tools for schools, with transparent evaluations."""

from catalogue.app import create_app

__all__ = ["create_app"]
