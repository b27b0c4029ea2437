# Prompt state: the helper resolves, this file caches. In steady state the precmd hook compares
# a few strings and the file times of one zstat, and forks nothing.

zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
zmodload -F zsh/system b:sysread 2>/dev/null # one read(2) where `read -d` makes one per byte

# The ASSO_* outputs and what the records fill are declared in generated.zsh.
typeset -g _asso_key= _asso_stamp=
typeset -g _asso_restored= # the profile ASSO_REMEMBER_PROFILE restored, until checked
# What the loaded state depends on: the stamp (state file or table header) and the files whose
# mtimes _asso_sig holds, from when it was loaded ("none": the helper failed, only the retry
# clock counts). _asso_render_until: when the rendered text can next change (0: now).
typeset -g _asso_sig= _asso_render_until=0
typeset -ga _asso_watch_files _asso_watch_opts
# Set while the state file cannot be written and the prompt shows records from the helper's
# stdout instead (_asso_state_from_helper).
typeset -g _asso_unwritable=

# The state file for the active profile: shared by every zsh of this user, so a new terminal
# reuses what another one resolved. Names that are not plain words share one file.
_asso_state_path() {
  emulate -L zsh
  _asso_file_word "${1:-$_asso_default_profile}"
  REPLY=$ASSO_STATE_DIR/prompt/$_asso_state_stem$REPLY
}

# Load a state file into the ASSO_* variables. Only known names are taken; nothing is evaluated.
# $1: file, $2: expected key, $3: "fresh" when just written (skip the staleness checks).
_asso_load_state() {
  emulate -L zsh
  local file=$1 want_key=$2 entry REPLY sig=
  local -a plus minus reply
  _asso_records_read "$file" || return 1
  [[ $_asso_r_end == 1 && $_asso_r_key == "$want_key" ]] || return 1
  for entry in "${_asso_r_watch[@]}"; do
    if [[ $entry == +* ]]; then
      plus+=("${entry#+}")
    else
      minus+=("${entry#-}")
    fi
  done
  # A watched file changed after the helper read it: stale (a fresh state is shown once anyway,
  # and an empty signature makes the next prompt look again).
  _asso_watch_sig $file $_asso_r_gen plus minus && sig=$REPLY
  if [[ $3 != fresh ]]; then
    [[ -z $_asso_r_next_check ]] || (( EPOCHSECONDS < _asso_r_next_check )) || return 1
    [[ -n $sig ]] || return 1
  fi
  _asso_records_apply
  _asso_watch_files=("${reply[@]}") _asso_sig=$sig _asso_render_until=0
  _asso_watch_opts=("${_asso_zstat_opts[@]}")
  _asso_stamp=$file _asso_key=$want_key
  return 0
}

# Ask the helper. $1: key, $2: state file; further arguments go to the helper (--validate=P).
# It writes the profile table too (only a missing one, unless asp asks: see profiletable).
# With --validate it prints the profile it selected (P may be an alias or a prefix) on stdout.
# The state dir and ASSO_REMEMBER_PROFILE reach it for this one command, exported or not.
_asso_run_helper() {
  emulate -L zsh
  local key=$1 file=$2
  shift 2
  [[ -n ${ASSO_HELPER-} && -x $ASSO_HELPER ]] || return 127
  # The prompt's own call, while the state cannot be written: _asso_state_from_helper asks.
  (( $# )) || [[ -z $_asso_unwritable ]] || return 75
  local REPLY exported=
  [[ -z $_asso_xkey || ${AWS_ACCESS_KEY_ID-} != "$_asso_xkey" ]] || exported=1
  _asso_table_path
  ASSO_STATE_DIR=$ASSO_STATE_DIR ASSO_REMEMBER_PROFILE=${ASSO_REMEMBER_PROFILE-} \
    ASSO_KEYS_EXPORTED=$exported "$ASSO_HELPER" "$_asso_cmd_shell_state" --shell=zsh "--key=$key" \
    "--format=${ASSO_PROMPT_FORMAT-}" "--region-display=${ASSO_PROMPT_REGION-}" "--out=$file" \
    "--table=$REPLY" "$@"
}

# The helper failed. When it could not write the state file (a read-only or full disk, an
# unwritable state dir), ask it again with --fallback=stdout: the same records come on its stdout
# (exit 11), read by the same reader and never evaluated. Shown until the retry, once a minute
# (or sooner when the token's state changes by the clock), or until an input of the key changes;
# meanwhile the prompt's own call starts nothing (_asso_run_helper). True when a state is loaded:
# from stdout, or from the file when the helper could write it after all (then it is the usual
# state again). Nothing on stdout (no helper, or it failed otherwise): false, as before.
_asso_state_from_helper() {
  emulate -L zsh
  local key=$1 file=$2
  [[ -n ${ASSO_HELPER-} && -x $ASSO_HELPER ]] || return 1
  _asso_unwritable=
  _asso_records_read /dev/stdin stream < <(_asso_run_helper "$key" "$file" --fallback=stdout 2>/dev/null) ||
    return 1
  [[ $_asso_r_end == 1 && $_asso_r_key == "$key" ]] || return 1 # it failed: show nothing
  _asso_records_apply
  # The file holds this very answer (same gen): it could be written after all.
  local gen=$_asso_gen
  if _asso_records_read "$file" && [[ -n $gen && $_asso_r_gen == "$gen" ]]; then
    _asso_load_state "$file" "$key" fresh
    return
  fi
  _asso_unwritable=1
  local -i retry=$(( EPOCHSECONDS + 60 ))
  [[ $_asso_next_check == <-> ]] && (( _asso_next_check > EPOCHSECONDS && _asso_next_check < retry )) ||
    _asso_next_check=$retry
  _asso_stamp=$file _asso_key=$key _asso_sig=none _asso_render_until=0 _asso_watch_files=()
  return 0
}

# Bring the state up to date, a no-op unless an input changed, and render when the time left
# changed its minute: the prompt hook, which keeps $? for the user's prompt.
_asso_precmd() {
  local -i last_status=$? # first, before emulate
  emulate -L zsh
  local sep=$_asso_key_sep
  local -a st
  local key="${AWS_PROFILE-}$sep${AWS_DEFAULT_PROFILE-}$sep${(e)_asso_rest_inputs}" # _asso_inputs
  # One combined check, one zstat: the stamp is gone or its mtime changed when the helper (of
  # any shell) rewrote the state, a watched file's mtime changes when it is edited, a
  # directory's when a file appears in it (see _asso_watch_sig).
  [[ $key == "$_asso_key" && -n $_asso_stamp ]] &&
    { [[ -z $_asso_next_check ]] || (( EPOCHSECONDS < _asso_next_check )) } &&
    { [[ $_asso_sig == none ]] ||
      { zstat $_asso_watch_opts -A st +mtime -- $_asso_watch_files 2>/dev/null &&
        [[ "$st" == "$_asso_sig" ]] } } ||
    _asso_update "$key"
  (( EPOCHSECONDS < _asso_render_until )) || _asso_render
  return last_status
}

_asso_refresh() {
  _asso_precmd
}

# Load the state for the inputs $1 (the key), from the table, a state file or the helper.
_asso_update() {
  emulate -L zsh
  local key=$1 REPLY file
  local name=${AWS_PROFILE:-${AWS_DEFAULT_PROFILE-}}
  local -a reply
  # A profile set by hand (export AWS_PROFILE=P): the table knows it unless only an alias.
  if [[ -n $name ]] && _asso_table_select "$name" "$key" exact; then
    _asso_table_apply "$name" "$key" "${reply[@]}"
    return 0
  fi
  _asso_state_path "$name"
  file=$REPLY
  if _asso_load_state "$file" "$key" ||
    { _asso_run_helper "$key" "$file" 2>/dev/null && _asso_load_state "$file" "$key" fresh }; then
    # A profile restored at start-up (ASSO_REMEMBER_PROFILE) is checked once, here.
    [[ -z $_asso_restored ]] || _asso_check_restored
    return 0
  fi
  if _asso_state_from_helper "$key" "$file"; then # the state file could not be written
    [[ -z $_asso_restored ]] || _asso_check_restored
    return 0
  fi
  # No helper, or it failed: show nothing rather than stale data, and retry once a minute, not
  # on every prompt.
  _asso_records_clear
  _asso_next_check=$(( EPOCHSECONDS + 60 )) _asso_stamp=$file _asso_key=$key
  _asso_sig=none _asso_render_until=0 _asso_watch_files=()
  return 0
}

# Fill the time left into the template: from the epoch clock, no `date` process. Sets
# _asso_render_until: the prompt hook renders again only then, or when a state is loaded.
_asso_render() {
  emulate -L zsh
  local left=
  local -i until=9223372036854775807
  if [[ $_asso_template == *$_asso_time_mark* ]]; then
    local -i remaining=$(( ${ASSO_EXPIRES_AT:-0} - EPOCHSECONDS ))
    if (( remaining <= 0 )); then
      left=expired
    elif (( remaining < 60 )); then
      left='<1m' until=$(( EPOCHSECONDS + remaining ))
    elif (( remaining < 3600 )); then
      left="$(( remaining / 60 ))m"
    else
      left=$(( remaining / 3600 ))h${(l:2::0:)$(( remaining % 3600 / 60 ))}m
    fi
    # The minutes shown drop when the remainder of this minute has passed.
    (( remaining < 60 )) || until=$(( EPOCHSECONDS + remaining % 60 + 1 ))
  fi
  _asso_render_until=$until
  ASSO_PROMPT=${_asso_template//$_asso_time_mark/$left}
  if [[ ${ASSO_EXPORT_PROMPT-} == 1 ]]; then # for starship: see integrations.zsh
    if [[ $ASSO_PROD == 1 ]]; then
      ASSO_PROMPT_PROD=$ASSO_PROMPT ASSO_PROMPT_NONPROD=
    else
      ASSO_PROMPT_PROD= ASSO_PROMPT_NONPROD=$ASSO_PROMPT
    fi
  fi
}

_asso_install_hooks() {
  emulate -L zsh
  autoload -Uz add-zsh-hook
  add-zsh-hook precmd _asso_precmd # add-zsh-hook skips a hook already present
}

# For themes that put $(asso_prompt_info) in the prompt.
asso_prompt_info() {
  emulate -L zsh
  _asso_refresh
  _asso_render
  [[ -z $ASSO_PROMPT ]] || print -rn -- "$ASSO_PROMPT"
}
