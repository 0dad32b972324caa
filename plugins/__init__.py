"""The register's built-in evaluator plugins.

Each is an ordinary pluggy plugin, registered through the same entry-point
group as an evaluator installed from outside the project.
"""
