# shellcheck shell=bash
# The ASSO_* variables are this plugin's output, read by prompts and themes; generated.bash
# declares them and the _asso_r_* records.
# shellcheck disable=SC2034,SC2154
# Prompt state: the helper resolves, this file caches. In steady state the PROMPT_COMMAND hook
# compares a few strings and file times, reads no file and forks nothing (bash >= 4.2; 3.2
# forks `date`).

# The ASSO_* outputs and what the records fill are declared in generated.bash.
_asso_key='' _asso_stamp=''
_asso_restored='' # the profile ASSO_REMEMBER_PROFILE restored, until checked
# When the rendered text can next change (0: now; the largest number: never, by the clock).
_asso_render_until=0
_asso_render_never=9223372036854775807
# Set while the state file cannot be written and the prompt shows records from the helper's
# stdout instead (_asso_state_from_helper).
_asso_unwritable=''

# The epoch clock into REPLY without a process where bash can.
if [[ -n ${EPOCHSECONDS-} ]]; then
  _asso_now() { REPLY=$EPOCHSECONDS; }
elif printf -v REPLY '%(%s)T' -1 2>/dev/null; then
  _asso_now() { printf -v REPLY '%(%s)T' -1; }
else
  _asso_now() { REPLY=$(date +%s); }
fi

# The state file for the active profile: shared by every bash of this user, so a new terminal
# reuses what another one resolved. Names that are not plain words share one file.
_asso_state_path() {
  _asso_file_word "${1:-$_asso_default_profile}"
  REPLY=$ASSO_STATE_DIR/prompt/$_asso_state_stem$REPLY
}

# True when a watched file changed since the state file was written (its mtime is the stamp).
_asso_watch_changed() {
  local stamp=$1 entry file
  shift
  for entry in "$@"; do
    file=${entry#?}
    if [[ $entry == +* ]]; then
      [[ -e $file && ! $file -nt $stamp ]] || return 0
    else
      [[ ! -e $file ]] || return 0
    fi
  done
  return 1
}

# What the prompt compares in steady state, for the state just loaded from file $1, written
# as generation $2, watching $3...: the watched files split into those that must stay as they
# are and those that must stay missing, and the stamp they are compared with. That is the
# file's PATH@GEN name when there is one: no later write moves its date, and its absence says
# another write replaced the file. Otherwise the file itself, whose gen is then read back.
_asso_watch_new=() _asso_watch_gone=() _asso_stamp_fixed=''
_asso_set_stamp() {
  local file=$1 gen=$2 entry
  shift 2
  _asso_stamp=$file _asso_stamp_fixed=''
  if [[ -n $gen && $file$_asso_stamp_mark$gen -ef $file ]]; then
    _asso_stamp=$file$_asso_stamp_mark$gen _asso_stamp_fixed=1
  fi
  _asso_watch_new=() _asso_watch_gone=()
  for entry; do
    if [[ $entry == +* ]]; then
      _asso_watch_new+=("${entry#?}")
    else
      _asso_watch_gone+=("${entry#?}")
    fi
  done
}

# Load a state file into the ASSO_* variables. Only known names are taken; nothing is evaluated.
# $1: file, $2: expected key, $3: "fresh" when just written (skip the staleness checks).
_asso_load_state() {
  local file=$1 want_key=$2 REPLY
  _asso_records_read "$file" || return 1
  [[ $_asso_r_end == 1 && $_asso_r_key == "$want_key" ]] || return 1
  if [[ ${3-} != fresh ]]; then
    if [[ -n $_asso_r_next_check ]]; then
      _asso_now
      ((REPLY < _asso_r_next_check)) || return 1
    fi
    ! _asso_watch_changed "$file" ${_asso_r_watch[@]+"${_asso_r_watch[@]}"} || return 1
  fi
  _asso_records_apply
  _asso_set_stamp "$file" "$_asso_gen" ${_asso_watch[@]+"${_asso_watch[@]}"}
  _asso_key=$want_key _asso_render_until=0
  return 0
}

# Ask the helper. $1: key, $2: state file; further arguments go to the helper (--validate=P).
# It writes the profile table too (only a missing one, unless asp asks: see profiletable).
# With --validate it prints the profile it selected (P may be an alias or a prefix) on stdout.
# The state dir and ASSO_REMEMBER_PROFILE reach it for this one command, exported or not.
_asso_run_helper() {
  local key=$1 file=$2
  shift 2
  [[ -n ${ASSO_HELPER-} && -x $ASSO_HELPER ]] || return 127
  # The prompt's own call, while the state cannot be written: _asso_state_from_helper asks.
  (($#)) || [[ -z $_asso_unwritable ]] || return 75
  local REPLY exported=''
  [[ -z ${_asso_xkey-} || ${AWS_ACCESS_KEY_ID-} != "$_asso_xkey" ]] || exported=1
  _asso_table_path
  ASSO_STATE_DIR=$ASSO_STATE_DIR ASSO_REMEMBER_PROFILE=${ASSO_REMEMBER_PROFILE-} \
    ASSO_KEYS_EXPORTED=$exported "$ASSO_HELPER" "$_asso_cmd_shell_state" --shell=bash "--key=$key" \
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
# (The process substitution sets $!, as any asynchronous command would: only on this path.)
_asso_state_from_helper() {
  local key=$1 file=$2 REPLY retry
  [[ -n ${ASSO_HELPER-} && -x $ASSO_HELPER ]] || return 1
  _asso_unwritable=''
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
  _asso_now
  retry=$((REPLY + 60))
  if [[ -z $_asso_next_check || $_asso_next_check == *[!0-9]* || ${#_asso_next_check} -gt 18 ]] ||
    ((10#$_asso_next_check <= REPLY || 10#$_asso_next_check > retry)); then
    _asso_next_check=$retry
  fi
  # As after a failure: no generation or watched file to compare, the retry clock decides.
  _asso_gen='' _asso_watch=()
  _asso_set_stamp "$file" ''
  _asso_key=$key _asso_render_until=0
  return 0
}

# Without a fixed stamp (see _asso_set_stamp): true while the state file (or the table's
# header) still holds the write this shell loaded. Other shells on the same profile rewrite it;
# then this shell must reload it, or keep showing what it read before. The first record and
# its value, each up to its NUL: what follows differs (a state's key, a header's rest).
_asso_same_generation() {
  [[ -z $_asso_gen ]] && return 0 # nothing was loaded (no helper): the retry clock decides
  local name='' value=''
  [[ -f $_asso_stamp ]] || return 1 # never a FIFO: reading it would block
  { IFS='' read -r -d '' name && IFS='' read -r -d '' value; } <"$_asso_stamp" 2>/dev/null
  [[ $name == "$_asso_gen_record" && $value == "$_asso_gen" ]]
}

# Bring the state up to date, a no-op unless an input changed, and render when the time left
# changed its minute: the prompt hook, which keeps $? for the user's prompt.
_asso_clock=0 # the time the hook read
_asso_prompt_command() {
  local status=$? REPLY
  _asso_clock=${EPOCHSECONDS-}
  [[ -n $_asso_clock ]] || { _asso_now && _asso_clock=$REPLY; }
  _asso_inputs
  _asso_current "$REPLY" || _asso_update "$REPLY"
  ((_asso_clock < _asso_render_until)) || _asso_render
  return $status
}

_asso_refresh() {
  _asso_prompt_command
}

# True when the loaded state still holds for the inputs $1 at _asso_clock. It tests each
# watched file once (see _asso_set_stamp) and reads nothing while the stamp is fixed: one that
# is gone makes every -nt true.
_asso_current() {
  [[ $1 == "$_asso_key" && -n $_asso_stamp ]] || return 1
  [[ -z $_asso_next_check ]] || ((_asso_clock < _asso_next_check)) || return 1
  local file
  for file in ${_asso_watch_new[@]+"${_asso_watch_new[@]}"}; do
    [[ -e $file && ! $file -nt $_asso_stamp ]] || return 1
  done
  for file in ${_asso_watch_gone[@]+"${_asso_watch_gone[@]}"}; do
    [[ ! -e $file ]] || return 1
  done
  if [[ -z $_asso_stamp_fixed ]]; then
    _asso_same_generation
  elif ((!${#_asso_watch_new[@]})); then
    [[ -e $_asso_stamp ]]
  fi
}

# Load the state for the inputs $1 (the key), from the table, a state file or the helper.
_asso_update() {
  local key=$1 REPLY file
  local name=${AWS_PROFILE:-${AWS_DEFAULT_PROFILE-}}
  # A profile set by hand (export AWS_PROFILE=P): the table knows it unless only an alias.
  if [[ -n $name ]] && _asso_table_select "$name" "$key" exact; then
    _asso_table_apply "$name" "$key"
    return 0
  fi
  _asso_state_path "$name"
  file=$REPLY
  if _asso_load_state "$file" "$key" ||
    { _asso_run_helper "$key" "$file" 2>/dev/null && _asso_load_state "$file" "$key" fresh; }; then
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
  _asso_set_stamp "$file" ''
  _asso_now
  _asso_next_check=$((REPLY + 60)) _asso_key=$key _asso_render_until=0
  return 0
}

# Fill the time left into the template, from the epoch clock. Sets _asso_render_until: the
# prompt hook renders again only then, or when a state is loaded.
_asso_render() {
  local left='' mark=$_asso_time_mark REPLY remaining minutes until=$_asso_render_never
  if [[ $_asso_template == *"$mark"* ]]; then
    _asso_now
    remaining=$((${ASSO_EXPIRES_AT:-0} - REPLY))
    if ((remaining <= 0)); then
      left=expired
    elif ((remaining < 60)); then
      left='<1m' until=$((REPLY + remaining))
    elif ((remaining < 3600)); then
      left="$((remaining / 60))m"
    else
      minutes=$((remaining % 3600 / 60))
      ((minutes < 10)) && minutes=0$minutes
      left="$((remaining / 3600))h${minutes}m"
    fi
    # The minutes shown drop when the remainder of this minute has passed.
    ((remaining < 60)) || until=$((REPLY + remaining % 60 + 1))
  fi
  _asso_render_until=$until
  # Quoted replacement: bash 5.2's patsub_replacement must not treat '&' specially.
  ASSO_PROMPT=${_asso_template//"$mark"/"$left"}
  if [[ ${ASSO_EXPORT_PROMPT-} == 1 ]]; then # for starship: see integrations.bash
    if [[ $ASSO_PROD == 1 ]]; then
      ASSO_PROMPT_PROD=$ASSO_PROMPT ASSO_PROMPT_NONPROD=''
    else
      ASSO_PROMPT_PROD='' ASSO_PROMPT_NONPROD=$ASSO_PROMPT
    fi
  fi
}

_asso_install_hooks() {
  # Run first, so PS1 code run later in PROMPT_COMMAND sees fresh values; only once.
  case ";${PROMPT_COMMAND-};" in
    *";_asso_prompt_command;"*) ;;
    *) PROMPT_COMMAND="_asso_prompt_command${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
  esac
  return 0
}

# For prompts that call $(asso_prompt_info).
asso_prompt_info() {
  _asso_refresh
  _asso_render
  [[ -z $ASSO_PROMPT ]] || printf '%s' "$ASSO_PROMPT"
}
