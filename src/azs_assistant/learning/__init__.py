"""The learning loop: answers given, feedback on them, and datasets for fine-tuning."""
