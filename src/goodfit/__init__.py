"""goodfit: what each customer really costs to serve."""
