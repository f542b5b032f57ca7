"""The single writer: sequences commands into the engine and publishes their events."""
