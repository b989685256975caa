"""Real-browser tests: the built example site, served under its base_url path, in chromium."""
