"""One module per resource; each repository works on the connection of one transaction."""
