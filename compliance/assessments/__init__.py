"""Gap analyses, responses, actions and review."""
