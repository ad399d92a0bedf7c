"""Customer complaints: intake, classification, routing rules, notifications and tracking."""
