"""The continuity-as-code model file: parse, validate, dump. Never imports Django."""
