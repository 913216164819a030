"""One module per document kind: build the data without a request, then render it."""
