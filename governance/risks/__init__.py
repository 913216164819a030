"""AI risk register and serious incidents."""
