"""One adapter per external payment or video API, each with its sandbox twin."""
