"""azs-assistant: an AI assistant for chains of fuel stations (АЗС).

Public surface: :func:`azs_assistant.app.build_services` wires the services for any front end.
"""

__version__ = "0.1.0"
