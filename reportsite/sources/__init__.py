"""Turn the raw source documents into normalized reader pages."""
