"""Payment providers: `base` (interface, signed redirect protocol), `sandbox` (local)."""
