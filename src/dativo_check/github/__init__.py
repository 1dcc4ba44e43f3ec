"""GitHub: the Actions environment, base detection, step summary and outputs, the one sticky PR comment."""
