"""Commands with a module of their own; see cli.EXTERNAL_COMMANDS."""
