"""The course's own logic, pure: no I/O, and nothing imported from the rest of the package.

Modules: weblogs (Faker web-log events, seed 001), bakery (orders, seed 001), unicorns (telemetry,
seed 002), fms (factory sensors and alerts, seed 003), keywords (the keyword filter, seed 003),
logparse (Apache, Nginx and JSON log lines, seed 000), windowing (1-minute tumbling windows).
"""
