# Choosing and keeping a profile: the picker (asp -i) and ASSO_REMEMBER_PROFILE=1.
# The helper lists the profiles and writes the remembered one (atomically); the shell reads it
# back at start-up with a builtin, so a new shell starts no process for it.

typeset -g _asso_fzf= _asso_fzf_checked=

# asp -i: choose a profile from a list, recently used first: fzf when installed, else a
# numbered menu on stderr. Cancelling (Esc, an empty answer) changes nothing and returns 1.
_asso_pick() {
  emulate -L zsh
  if [[ ! -t 0 || ! -t 2 ]]; then
    print -ru2 -- "asp: the picker needs a terminal (asp PROFILE selects a profile by name)"
    return 2
  fi
  _asso_ensure_helper asp || return 1
  # One call: NUL-ended name, line pairs; the first pair is the header (an empty name).
  local out
  out=$(ASSO_STATE_DIR=$ASSO_STATE_DIR "$ASSO_HELPER" "$_asso_cmd_profiles" --picker) || return
  local -a parts=("${(@0)out}") names lines
  [[ -z ${parts[-1]-} ]] && shift -p parts
  local -i i
  for (( i = 3; i < $#parts; i += 2 )); do
    names+=("$parts[i]")
    lines+=("$parts[i+1]")
  done
  if (( ! $#names )); then
    print -ru2 -- "asp: no profiles to choose from"
    return 1
  fi
  local header=${parts[2]-} choice
  if [[ -z $_asso_fzf_checked ]]; then # looked up once per shell
    _asso_fzf=${commands[fzf]-} _asso_fzf_checked=1
  fi
  if [[ -n $_asso_fzf ]]; then
    # fzf sees "index<TAB>line" and shows the line; the index maps back to the exact name.
    local input=
    for (( i = 1; i <= $#lines; i++ )); do
      input+="$i"$'\t'"$lines[i]"$'\n'
    done
    choice=$(print -rn -- "$input" | "$_asso_fzf" --delimiter=$'\t' --with-nth=2.. --no-multi \
      --reverse --height=40% --prompt='asp> ' --header="$header") || return 1
    choice=${choice%%$'\t'*}
  else
    print -ru2 -- "     $header"
    for (( i = 1; i <= $#lines; i++ )); do
      print -ru2 -- "${(l:3:)i})  $lines[i]"
    done
    while true; do
      print -nru2 -- "asp: profile number (Enter cancels): "
      choice=
      if ! IFS= read -r choice; then
        print -u2
        return 1
      fi
      [[ -n $choice ]] || return 1
      _asso_pick_index "$choice" $#names && break
      print -ru2 -- "asp: no entry '${(V)choice}'"
    done
  fi
  _asso_pick_index "$choice" $#names || return 1
  i=$(( 10#$choice ))
  asp -- "$names[i]"
}

# True when $1 is a number from 1 to $2.
_asso_pick_index() {
  emulate -L zsh
  [[ -n $1 && $1 != *[^0-9]* && ${#1} -lt 10 ]] && (( 10#$1 >= 1 && 10#$1 <= $2 ))
}

# The remembered profile: one line in the state dir, written by the helper when asp succeeds.
_asso_remembered_file() {
  emulate -L zsh
  REPLY=$ASSO_STATE_DIR/remembered-profile
}

# Forget the remembered profile (asp clearing the profile): the file is emptied, which readers
# take as nothing remembered. With an argument: only while it names that. The helper writes it
# (by rename, 0600: never through a link planted there, even after these tests); it starts only
# when a regular file of ours holds a name.
_asso_forget() {
  emulate -L zsh
  local REPLY
  _asso_remembered_file
  [[ -f $REPLY && -s $REPLY && ! -L $REPLY && -O $REPLY ]] || return 0
  [[ -n ${ASSO_HELPER-} && -x $ASSO_HELPER ]] || return 0
  ASSO_STATE_DIR=$ASSO_STATE_DIR "$ASSO_HELPER" "$_asso_cmd_forget_profile" ${1+"--name=$1"}
  return 0
}

# At start-up: an interactive shell without a profile takes the remembered one. Nothing runs:
# the profile is checked against the config at the first prompt, from the state file it shares
# with other shells (the helper runs only if that state is missing or stale).
_asso_restore_profile() {
  emulate -L zsh
  [[ ${ASSO_REMEMBER_PROFILE-} == 1 && -o interactive ]] || return 0
  [[ -z ${AWS_PROFILE-} && -z ${AWS_DEFAULT_PROFILE-} ]] || return 0
  local REPLY name=
  _asso_remembered_file
  # No one else may write it: another user must not pick the profile new shells start with.
  _asso_own_file $REPLY || return 0
  IFS= read -r name 2>/dev/null <$REPLY
  [[ -n $name ]] || return 0
  export AWS_PROFILE=$name AWS_DEFAULT_PROFILE=$name AWS_EB_PROFILE=$name
  _asso_restored=$name
  return 0
}

# Called by _asso_refresh once the state of the restored profile is loaded: if the config no
# longer has that profile, unset it again, forget it, and say so once.
_asso_check_restored() {
  emulate -L zsh
  local name=$_asso_restored
  _asso_restored=
  [[ $_asso_missing == 1 && ${AWS_PROFILE-} == "$name" ]] || return 0
  unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_EB_PROFILE
  _asso_forget "$name"
  print -ru2 -- "asso: the remembered profile '${(V)name}' no longer exists: no profile is set"
  _asso_refresh
}

_asso_restore_profile
