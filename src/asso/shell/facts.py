"""Shell protocol facts, kept once: settings and defaults, state record names and the variables
they fill, the separators, the file name rule and the platform directory rules.
``scripts/generate_plugin.py`` writes them into ``plugin/zsh/generated.zsh`` and
``plugin/bash/generated.bash``; a test fails when those are stale.
"""

from __future__ import annotations

from asso import paths

DEFAULT_FORMAT = "{account}[/{role}][ {region}][ {time_left}]"
DEFAULT_PROD_PATTERNS = "*prod*"
REGION_MODES = ("env", "always", "never")

DEFAULT_PROMPT_COLOR = "auto"

#: The user's settings, each defaulted by the plugin only when unset, in this order.
SETTINGS: tuple[tuple[str, str, str], ...] = (  # name, default, note
    ("ASSO_PROMPT_FORMAT", DEFAULT_FORMAT, "the segment; see the README"),
    ("ASSO_PROMPT_REGION", REGION_MODES[0], " | ".join(REGION_MODES)),
    ("ASSO_PROD_PATTERNS", DEFAULT_PROD_PATTERNS, "globs: a match is production"),
    ("ASSO_EXPORT_PROMPT", "0", "1: export the segment (starship)"),
    ("ASSO_PROMPT_COLOR", DEFAULT_PROMPT_COLOR, "auto | 1 | 0; auto: off for NO_COLOR, TERM=dumb"),
    ("ASSO_AUTO_LOGIN", "1", "0: asp only says the session expired"),
    ("ASSO_ASP_PICKER", "0", "1: `asp` alone opens the picker"),
    ("ASSO_REMEMBER_PROFILE", "0", "1: new shells restore it"),
)
#: Defaults that depend on an earlier setting: (setting, other, its value, default then).
#: An exported segment is read by other programs (starship): plain text there.
CONDITIONAL_DEFAULTS = (("ASSO_PROMPT_COLOR", "ASSO_EXPORT_PROMPT", "1", "0"),)
#: Settings the helper reads from its environment (it renders the colour): exported. The
#: export attribute stays when the user assigns them later.
EXPORTED_SETTINGS = ("ASSO_PROD_PATTERNS", "ASSO_PROMPT_COLOR")

#: The state file's records (``asso.shell.state``), in the order the helper writes them, and
#: the variable each one fills. "gen" comes first: the plugin compares it to spot a rewrite.
RECORDS: tuple[tuple[str, str], ...] = (  # name, variable ("": checked by the loader)
    ("gen", "_asso_gen"),
    ("key", ""),
    ("profile", "ASSO_PROFILE"),
    ("kind", "ASSO_KIND"),
    ("account_id", "ASSO_ACCOUNT_ID"),
    ("account_name", "ASSO_ACCOUNT_NAME"),
    ("role", "ASSO_ROLE"),
    ("region", "ASSO_REGION"),
    ("region_source", "ASSO_REGION_SOURCE"),
    ("token_state", "ASSO_TOKEN_STATE"),
    ("expires_at", "ASSO_EXPIRES_AT"),
    ("credential_source", "ASSO_CREDENTIAL_SOURCE"),
    ("prod", "ASSO_PROD"),
    ("prompt", "_asso_template"),
    ("next_check", "_asso_next_check"),
    ("watch", "_asso_watch"),  # repeated: an array
    ("error", "ASSO_ERROR"),
    ("missing", "_asso_missing"),
    ("end", ""),
)
RECORD_NAMES = tuple(name for name, _ in RECORDS)
#: Records that hold a number of seconds (or nothing): the plugin refuses a file where one
#: holds anything else, before shell arithmetic sees it.
NUMERIC_RECORDS = ("expires_at", "next_check")
#: A state file PATH is also named PATH@GEN (GEN: its "gen" record) until the next write for
#: the same key (asso.shell.state.write_stamped).
STAMP_MARK = "@"
ARRAY_RECORDS = frozenset({"watch"})

#: The plugin's output variables: the rendered segment, then what the records fill.
OUTPUT_VARIABLES = ("ASSO_PROMPT", *(var for _, var in RECORDS if var.startswith("ASSO_")))

#: The platform directory rules (platformdirs' for macOS and XDG), from asso.paths.
USER_DIR_KINDS = ("state", "data", "cache", "config")
MACOS_DIRS = paths.MACOS_DIRS
XDG_DIRS = paths.XDG_DIRS
OVERRIDE_VARIABLE = paths.OVERRIDE_VARIABLES
APP_NAME = paths.APP_NAME

#: Separators the plugin and the helper share. The key (the plugin's ``_asso_inputs``, the
#: helper's ``asso.shell.state``) joins its fields with KEY_SEPARATOR; a profile table record
#: (``asso.shell.profiletable``) joins its fields with TABLE_SEPARATOR; the prompt template
#: (``asso.shell.render``) holds TIME_LEFT_MARK where the shell puts the time left.
KEY_SEPARATOR = "\x1f"
TABLE_SEPARATOR = "\x1e"
TIME_LEFT_MARK = "\x1f"
#: The key's fields after the profile (given twice, first): what the prompt's state depends on
#: that lives in the environment, as expansions both shells read alike. The region, the files,
#: the prompt settings, what decides the danger colour (the helper reads it from the
#: environment), whether keys in the environment win over the profile (set or not, not their
#: values); each shell then appends KEY_SEPARATOR "x" while asp -x's keys are exported.
KEY_INPUTS = (
    "${AWS_REGION-}",
    "${AWS_DEFAULT_REGION-}",
    "${AWS_CONFIG_FILE-}",
    "${AWS_SHARED_CREDENTIALS_FILE-}",
    "${HOME-}",
    "${ASSO_PROMPT_FORMAT-}",
    "${ASSO_PROMPT_REGION-}",
    "${ASSO_PROD_PATTERNS-}",
    "${ASSO_PROMPT_COLOR-}",
    "${TERM-}",
    "${NO_COLOR-}",
    "${AWS_ACCESS_KEY_ID:+k}${AWS_SECRET_ACCESS_KEY:+s}",
    "${AWS_CREDENTIAL_EXPIRATION-}",
)

#: File names from names (the state file per profile, the profile table per region): a name of
#: these characters and at most this long is used as it is; any other name shares the file named
#: FILE_NAME_OTHER. Listed, not ranges: a shell's ``[a-z]`` may follow the locale's collation.
FILE_NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
FILE_NAME_MAX = 100
FILE_NAME_OTHER = "_other"
#: The files in the prompt dir: a profile's state is STATE_STEM then the profile's file word;
#: the profile table's header is TABLE_STEM, then "-REGION" (a file word) when a region is set.
#: The "." keeps a profile named "profiles" apart from the table.
STATE_STEM = "{shell}-"
TABLE_STEM = "{shell}.profiles"
