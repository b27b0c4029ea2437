# shellcheck shell=bash
# The ASSO_* variables are this plugin's output, read by prompts and themes; generated.bash
# declares them and the _asso_r_* records.
# shellcheck disable=SC2034,SC2154
# Prompt state: the helper resolves, this file caches. In steady state the PROMPT_COMMAND hook
# compares a few strings and file times and forks nothing (bash >= 4.2; 3.2 forks `date`).

# The ASSO_* outputs and what the records fill are declared in generated.bash.
_asso_key='' _asso_stamp=''
_asso_restored='' # the profile ASSO_REMEMBER_PROFILE restored, until checked
# When the rendered text can next change (0: now; the largest number: never, by the clock).
_asso_render_until=0
_asso_render_never=9223372036854775807

# The epoch clock into REPLY without a process where bash can.
if [[ -n ${EPOCHSECONDS-} ]]; then
  _asso_now() { REPLY=$EPOCHSECONDS; }
elif printf -v REPLY '%(%s)T' -1 2>/dev/null; then
  _asso_now() { printf -v REPLY '%(%s)T' -1; }
else
  _asso_now() { REPLY=$(date +%s); }
fi

# Everything the resolution depends on that lives in the environment, as one string.
# With an argument: the same, as it will be once that profile is selected.
# shellcheck disable=SC2120
_asso_inputs() {
  local sep=$_asso_key_sep
  if (($#)); then
    REPLY="$1$sep$1"
  else
    REPLY="${AWS_PROFILE-}$sep${AWS_DEFAULT_PROFILE-}"
  fi
  REPLY+="$sep${AWS_REGION-}$sep${AWS_DEFAULT_REGION-}"
  REPLY+="$sep${AWS_CONFIG_FILE-}$sep${AWS_SHARED_CREDENTIALS_FILE-}$sep${HOME-}"
  REPLY+="$sep${ASSO_PROMPT_FORMAT-}$sep${ASSO_PROMPT_REGION-}"
  # What decides the danger colour (read by the helper from the environment).
  REPLY+="$sep${ASSO_PROD_PATTERNS-}$sep${ASSO_PROMPT_COLOR-}$sep${TERM-}$sep${NO_COLOR-}"
  # Keys in the environment win over the profile (whether set, not their values).
  REPLY+="$sep${AWS_ACCESS_KEY_ID:+k}${AWS_SECRET_ACCESS_KEY:+s}$sep${AWS_CREDENTIAL_EXPIRATION-}"
  [[ -z ${_asso_xkey-} || ${AWS_ACCESS_KEY_ID-} != "$_asso_xkey" ]] || REPLY+="${sep}x"
}

# The state file for the active profile: shared by every bash of this user, so a new terminal
# reuses what another one resolved. Names that are not plain words share one file.
_asso_state_path() {
  _asso_file_word "${1:-$_asso_default_profile}"
  REPLY="$ASSO_STATE_DIR/prompt/bash-$REPLY"
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
  _asso_stamp=$file _asso_key=$want_key _asso_render_until=0
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
  local REPLY exported=''
  [[ -z ${_asso_xkey-} || ${AWS_ACCESS_KEY_ID-} != "$_asso_xkey" ]] || exported=1
  _asso_table_path
  ASSO_STATE_DIR=$ASSO_STATE_DIR ASSO_REMEMBER_PROFILE=${ASSO_REMEMBER_PROFILE-} \
    ASSO_KEYS_EXPORTED=$exported "$ASSO_HELPER" _shell-state --shell=bash "--key=$key" \
    "--format=${ASSO_PROMPT_FORMAT-}" "--region-display=${ASSO_PROMPT_REGION-}" "--out=$file" \
    "--table=$REPLY" "$@"
}

# True while the state file still holds the write this shell loaded. Other shells on the same
# profile rewrite it; then this shell must reload it, or keep showing what it read before.
_asso_same_generation() {
  [[ -z $_asso_gen ]] && return 0 # nothing was loaded (no helper): the retry clock decides
  local head=''
  [[ -f $_asso_stamp ]] || return 1 # never a FIFO: reading it would block
  # One read: that record and its value, then "key" (read drops the NULs between them).
  IFS='' read -r -N $((${#_asso_gen_record} + ${#_asso_gen} + 3)) head <"$_asso_stamp" 2>/dev/null
  [[ $head == "$_asso_gen_record${_asso_gen}key" ]]
}

# Bring the state up to date; a no-op unless an input changed.
_asso_refresh() {
  local REPLY key file
  _asso_inputs
  key=$REPLY
  if [[ $key == "$_asso_key" && -n $_asso_stamp ]]; then
    _asso_now
    if [[ -z $_asso_next_check ]] || ((REPLY < _asso_next_check)); then
      if ! _asso_watch_changed "$_asso_stamp" ${_asso_watch[@]+"${_asso_watch[@]}"} &&
        _asso_same_generation; then
        return 0
      fi
    fi
  fi
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
  # No helper, or it failed: show nothing rather than stale data, and retry once a minute, not
  # on every prompt.
  _asso_records_clear
  _asso_now
  _asso_next_check=$((REPLY + 60)) _asso_stamp=$file _asso_key=$key _asso_render_until=0
  return 0
}

# Fill the time left into the template, from the epoch clock. Sets _asso_render_until: the
# prompt hook renders again only then, or when a state is loaded.
_asso_render() {
  local left='' mark=$'\x1f' REPLY remaining minutes until=$_asso_render_never
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

_asso_prompt_command() {
  local status=$? REPLY
  _asso_refresh
  # Render when a state was loaded, or the time left changed its minute.
  if ((_asso_render_until != _asso_render_never)); then
    _asso_now
    ((REPLY < _asso_render_until)) || _asso_render
  fi
  return $status
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
