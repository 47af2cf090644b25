"""A package whose start-up reads, spawns and connects, mostly through its other modules."""
