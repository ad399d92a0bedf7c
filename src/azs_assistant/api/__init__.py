"""REST API and web UI (FastAPI). ``create_app(services)`` builds the application."""
