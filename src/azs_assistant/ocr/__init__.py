"""OCR of photos and scans (``pipeline``), the quality gate (``quality``), the line reader (``lines``)."""

KEPT = ("ok", "partial")  # page qualities whose text (trusted lines) is used; the other one is «retake»
