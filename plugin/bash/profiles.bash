# shellcheck shell=bash
# Choosing and keeping a profile: the picker (asp -i) and ASSO_REMEMBER_PROFILE=1.
# The helper lists the profiles and writes the remembered one (atomically); the shell reads it
# back at start-up with a builtin, so a new shell starts no process for it.
# _asso_missing and _asso_restored live in state.bash.
# shellcheck disable=SC2154

_asso_fzf='' _asso_fzf_checked=''

# asp -i: choose a profile from a list, recently used first: fzf when installed, else a
# numbered menu on stderr. Cancelling (Esc, an empty answer) changes nothing and returns 1.
_asso_pick() {
  if [[ ! -t 0 || ! -t 2 ]]; then
    printf '%s\n' "asp: the picker needs a terminal (asp PROFILE selects a profile by name)" >&2
    return 2
  fi
  _asso_ensure_helper asp || return 1
  # One call: NUL-ended name, line pairs; the first pair is the header (an empty name).
  local name line header='' first=1 choice i input='' status=0
  local -a names=() lines=()
  while IFS='' read -r -d '' name && IFS='' read -r -d '' line; do
    if ((first)); then
      header=$line first=0
    else
      names+=("$name")
      lines+=("$line")
    fi
  done < <(ASSO_STATE_DIR=$ASSO_STATE_DIR "$ASSO_HELPER" "$_asso_cmd_profiles" --picker && printf '\1end\0')
  [[ $name == $'\1end' ]] || return 1 # the helper failed, and said why
  if ((${#names[@]} == 0)); then
    printf '%s\n' "asp: no profiles to choose from" >&2
    return 1
  fi
  if [[ -z $_asso_fzf_checked ]]; then # looked up once per shell
    _asso_fzf=$(type -P fzf 2>/dev/null) || _asso_fzf=''
    _asso_fzf_checked=1
  fi
  if [[ -n $_asso_fzf ]]; then
    # fzf sees "index<TAB>line" and shows the line; the index maps back to the exact name.
    for ((i = 0; i < ${#lines[@]}; i++)); do
      input+="$((i + 1))"$'\t'"${lines[i]}"$'\n'
    done
    choice=$(printf '%s' "$input" | "$_asso_fzf" --delimiter=$'\t' --with-nth=2.. --no-multi \
      --reverse --height=40% --prompt='asp> ' --header="$header") || return 1
    choice=${choice%%$'\t'*}
  else
    printf '     %s\n' "$header" >&2
    for ((i = 0; i < ${#lines[@]}; i++)); do
      printf '%3d)  %s\n' "$((i + 1))" "${lines[i]}" >&2
    done
    while true; do
      printf '%s' "asp: profile number (Enter cancels): " >&2
      choice=''
      if ! IFS='' read -r choice; then
        printf '\n' >&2
        return 1
      fi
      [[ -n $choice ]] || return 1
      _asso_pick_index "$choice" "${#names[@]}" && break
      printf '%s\n' "asp: no entry '${choice//[[:cntrl:]]/?}'" >&2
    done
  fi
  _asso_pick_index "$choice" "${#names[@]}" || return 1
  asp -- "${names[10#$choice - 1]}" || status=$?
  return $status
}

# True when $1 is a number from 1 to $2.
_asso_pick_index() {
  [[ $1 =~ ^[0-9]{1,9}$ ]] && ((10#$1 >= 1 && 10#$1 <= $2))
}

# The remembered profile: one line in the state dir, written by the helper when asp succeeds.
_asso_remembered_file() {
  REPLY=$ASSO_STATE_DIR/remembered-profile
}

# Forget the remembered profile (asp clearing the profile): the file is emptied, which readers
# take as nothing remembered. With an argument: only while it names that. The helper writes it
# (by rename, 0600: never through a link planted there, even after these tests); it starts only
# when a regular file of ours holds a name.
_asso_forget() {
  local REPLY
  _asso_remembered_file
  [[ -f $REPLY && -s $REPLY && ! -L $REPLY && -O $REPLY ]] || return 0
  [[ -n ${ASSO_HELPER-} && -x $ASSO_HELPER ]] || return 0
  ASSO_STATE_DIR=$ASSO_STATE_DIR "$ASSO_HELPER" "$_asso_cmd_forget_profile" ${1+"--name=$1"} || true
  return 0
}

# At start-up: an interactive shell without a profile takes the remembered one. The helper
# reads it (one call, only when a file of ours holds a name): bash has no builtin that reads a
# mode, and another user must not pick the profile this shell starts with. The profile is
# checked against the config at the first prompt, from the state file it shares with other
# shells (the helper runs only if that state is missing or stale).
_asso_restore_profile() {
  [[ ${ASSO_REMEMBER_PROFILE-} == 1 && $- == *i* ]] || return 0
  [[ -z ${AWS_PROFILE-} && -z ${AWS_DEFAULT_PROFILE-} ]] || return 0
  local REPLY name=''
  _asso_remembered_file
  [[ -f $REPLY && -s $REPLY && ! -L $REPLY && -O $REPLY ]] || return 0
  [[ -n ${ASSO_HELPER-} && -x $ASSO_HELPER ]] || return 0
  name=$(ASSO_STATE_DIR=$ASSO_STATE_DIR "$ASSO_HELPER" "$_asso_cmd_remembered_profile" 2>/dev/null) ||
    name=''
  [[ -n $name ]] || return 0
  export AWS_PROFILE="$name" AWS_DEFAULT_PROFILE="$name" AWS_EB_PROFILE="$name"
  _asso_restored=$name
  return 0
}

# Called by _asso_refresh once the state of the restored profile is loaded: if the config no
# longer has that profile, unset it again, forget it, and say so once.
_asso_check_restored() {
  local name=$_asso_restored
  _asso_restored=''
  [[ $_asso_missing == 1 && ${AWS_PROFILE-} == "$name" ]] || return 0
  unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_EB_PROFILE
  _asso_forget "$name"
  printf '%s\n' "asso: the remembered profile '${name//[[:cntrl:]]/?}' no longer exists: no profile is set" >&2
  _asso_refresh
}

_asso_restore_profile
