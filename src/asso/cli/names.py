"""The names of the commands the plugin runs by name, kept once: ``asso.cli.parser`` builds the
command table with them, ``asso.cli.main`` routes the plugin's private ones before loading it,
and ``scripts/generate_plugin.py`` writes them into the shells (``_asso_cmd_KEY``)."""

from __future__ import annotations

LOGIN_COMMAND = "login"
LOGOUT_COMMAND = "logout"
CONSOLE_COMMAND = "console"
DOCTOR_COMMAND = "doctor"
PROFILES_COMMAND = "profiles"
REGIONS_COMMAND = "regions"
EXPORT_COMMAND = "export"
# The plugin's private protocol: the prompt state, completion's command data and value lists.
SHELL_STATE_COMMAND = "_shell-state"
COMMANDS_COMMAND = "_commands"
CHOICES_COMMAND = "_choices"
FORGET_PROFILE_COMMAND = "_forget-profile"
REMEMBERED_PROFILE_COMMAND = "_remembered-profile"
#: The shells' variable _asso_cmd_KEY holds the command's name.
PLUGIN_COMMANDS = {
    "login": LOGIN_COMMAND,
    "doctor": DOCTOR_COMMAND,
    "profiles": PROFILES_COMMAND,
    "regions": REGIONS_COMMAND,
    "export": EXPORT_COMMAND,
    "shell_state": SHELL_STATE_COMMAND,
    "commands": COMMANDS_COMMAND,
    "choices": CHOICES_COMMAND,
    "forget_profile": FORGET_PROFILE_COMMAND,
    "remembered_profile": REMEMBERED_PROFILE_COMMAND,
}
