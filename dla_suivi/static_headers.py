def add_headers(headers, path, url):
    """WhiteNoise serves static files outside the middleware stack: same protections here."""
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
