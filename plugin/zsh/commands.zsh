# Public commands: asp (profile), asr (region), asso (the helper, plus login by profile name).

typeset -g _asso_previous_profile=

# asp [PROFILE [login|logout]] | asp - | asp -i | asp -x PROFILE : switch profile in this shell
# (-x: and export its keys, for tools that read no profile); no argument
# clears it (or, with ASSO_ASP_PICKER=1 in a terminal, opens the picker as -i does). PROFILE may
# be an alias, or a unique prefix or substring of a profile's name: the helper decides.
asp() {
  emulate -L zsh
  if [[ ${1-} == -i ]] || { (( ! $# )) && [[ ${ASSO_ASP_PICKER-} == 1 && -t 0 && -t 2 ]] }; then
    _asso_pick
    return
  fi
  if [[ ${1-} == -x ]]; then
    _asso_asp_export "${2-}"
    return
  fi
  if [[ -z ${1-} ]]; then # no argument, or an empty one (as oh-my-zsh): clear
    _asso_drop_keys
    _asso_previous_profile=${AWS_PROFILE-}
    unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_EB_PROFILE
    _asso_forget
    _asso_restored=
    _asso_precmd
    print -r -- "AWS profile cleared."
    return 0
  fi
  local name=$1 action=${2-}
  if [[ $name == - ]]; then
    if [[ -z $_asso_previous_profile ]]; then
      print -ru2 -- "asp: no previous profile"
      return 1
    fi
    name=$_asso_previous_profile
  elif [[ $name == -- ]]; then
    name=${2-} action=${3-}
  fi
  if [[ -n $action ]] && (( ! ${_asso_asp_actions[(Ie)$action]} )); then
    print -ru2 -- "asp: unknown action '${(V)action}' (expected ${(j: or :)_asso_asp_actions})"
    return 2
  fi
  _asso_ensure_helper asp || return 1 # bootstrap.zsh: offers to install it on first use
  # Resolve the target as it will be, before touching the environment: a failure changes nothing.
  # An exact name or an alias is looked up in the profile table while it is current (no
  # process); anything else, a remembered profile to write, or keys asp -x exported (dropped on a
  # switch), asks the helper.
  local REPLY key file canonical
  local -a reply
  _asso_inputs "$name"
  key=$REPLY
  if [[ ${ASSO_REMEMBER_PROFILE-} != 1 && -z ${_asso_xkey-} ]] && _asso_table_select "$name" "$key"; then
    canonical=$REPLY
    file=
  else
    _asso_state_path "$name"
    file=$REPLY
    canonical=$(_asso_run_helper "$key" "$file" "--validate=$name") || return
  fi
  if [[ -n $canonical && $canonical != "$name" ]]; then
    # An alias, prefix or substring: the state is the one of the profile it means, under that
    # profile's key (and file).
    name=$canonical
    _asso_inputs "$name"
    key=$REPLY
    if [[ -n $file ]]; then
      _asso_state_path "$name"
      file=$REPLY
    fi
  fi
  local previous=${AWS_PROFILE-}
  if [[ -n $_asso_xkey ]]; then # asso's keys go: the state to load is the one without them
    _asso_drop_keys
    _asso_inputs "$name"
    key=$REPLY
  fi
  export AWS_PROFILE=$name AWS_DEFAULT_PROFILE=$name AWS_EB_PROFILE=$name
  _asso_restored= # chosen now: nothing restored left to check
  [[ $previous == "$name" ]] || _asso_previous_profile=$previous
  if [[ -z $file ]]; then
    _asso_table_apply "$name" "$key" "${reply[@]}"
    _asso_note_recent "$name"
  else
    # Another shell may have replaced the file meanwhile, or the helper could not write it (a
    # read-only or full disk: an old file may be there): then resolve as a prompt would.
    _asso_load_state "$file" "$key" || { _asso_key=; _asso_refresh }
  fi
  _asso_render
  if [[ -n $action ]]; then
    asso "$action" -- "$name"
    return
  fi
  # The target's token state comes from the state just loaded: a valid token, or a profile
  # without SSO, costs nothing more. Scripts (non-interactive shells) get no network call, no
  # login and no hint: botocore refreshes a token itself when it is used.
  _asso_keys_warning "$name"
  [[ -o interactive ]] || return 0
  _asso_prod_warning
  local token_state=$ASSO_TOKEN_STATE
  if [[ $token_state == refreshable ]]; then
    # Inside botocore's refresh window: refresh now, quietly, so the prompt shows the new
    # expiry. If that fails, go on as for an expired token.
    if "$ASSO_HELPER" "$_asso_cmd_login" --refresh-only -- "$name" 2>/dev/null; then
      _asso_key=
      _asso_precmd
      return 0
    fi
    token_state=expired
  fi
  [[ $token_state == (expired|missing) ]] || return 0
  if [[ ${ASSO_AUTO_LOGIN:-1} != (0|false|no|off) ]]; then
    asso "$_asso_cmd_login" -- "$name" # reloads the state: the prompt shows the new expiry at once
    return
  fi
  local why="has expired"
  [[ $token_state == missing ]] && why="is not logged in"
  print -ru2 -- "asp: the SSO session of '${(V)name}' $why: log in with 'asso $_asso_cmd_login ${(V)name}'"
  return 0
}

# asr [REGION]: set the region for this shell; no argument clears it.
asr() {
  emulate -L zsh
  if (( $# == 0 )); then
    unset AWS_REGION AWS_DEFAULT_REGION
    _asso_precmd
    print -r -- "AWS region cleared."
    return 0
  fi
  local region=$1
  _asso_load_regions
  if (( ! ${_asso_regions[(Ie)$region]} )); then
    # Unknown to this botocore: the helper warns (a newer region) or refuses (not a region name).
    [[ -n $ASSO_HELPER && -x $ASSO_HELPER ]] && { "$ASSO_HELPER" "$_asso_cmd_regions" "--check=$region" || return }
  fi
  export AWS_REGION=$region AWS_DEFAULT_REGION=$region
  _asso_precmd
}

typeset -ga _asso_regions
_asso_load_regions() {
  emulate -L zsh
  (( $#_asso_regions )) && return 0
  [[ -n $ASSO_HELPER && -x $ASSO_HELPER ]] || return 0
  _asso_regions=(${(f)"$("$ASSO_HELPER" "$_asso_cmd_regions" 2>/dev/null)"})
}

# asso [WORDS...]: the helper decides what the words mean (`asso PROFILE` logs in; `asso help`).
asso() {
  emulate -L zsh
  # Some commands also check what only the shell knows (its hooks, its version).
  (( ! ${_asso_shell_commands[(Ie)${1-}]} )) || { _asso_doctor "$@"; return }
  _asso_ensure_helper asso || return 127 # bootstrap.zsh: offers to install it on first use
  local -i status_code=0
  "$ASSO_HELPER" "$@" || status_code=$?
  # A login or logout changed token files: show it now, not at the next prompt.
  _asso_key=
  _asso_precmd
  return status_code
}
