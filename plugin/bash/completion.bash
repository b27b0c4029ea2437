# shellcheck shell=bash
# _asso_regions and _asso_load_regions live in commands.bash.
# shellcheck disable=SC2154
# Completion: asp (profiles), asr (regions), asso (subcommands and profiles).

_asso_profile_names=()
_asso_profile_names_stamp=''
# Profile names from the helper, kept until the config or credentials file is newer than
# the moment they were read (a per-shell stamp file in the state dir).
_asso_load_profile_names() {
  local config=${AWS_CONFIG_FILE:-${HOME-}/.aws/config}
  local creds=${AWS_SHARED_CREDENTIALS_FILE:-${HOME-}/.aws/credentials}
  local stamp="$ASSO_STATE_DIR/names-stamp.$$" name
  if [[ $_asso_profile_names_stamp == "$stamp:$config:$creds" && -e $stamp &&
    ! $config -nt $stamp && ! $creds -nt $stamp ]]; then
    return 0
  fi
  _asso_have_helper || return 1
  [[ -d $ASSO_STATE_DIR ]] || mkdir -p -- "$ASSO_STATE_DIR" 2>/dev/null || return 1
  : >|"$stamp" || return 1
  _asso_profile_names=()
  while IFS='' read -r -d '' name; do
    _asso_profile_names+=("$name")
  done < <("$ASSO_HELPER" profiles --names --null 2>/dev/null)
  _asso_profile_names_stamp="$stamp:$config:$creds"
}

# Offer the words of an array that start with the current word, quoted for the command line.
_asso_compgen_from() {
  local current=$1 word
  shift
  for word in "$@"; do
    [[ $word == "$current"* ]] && COMPREPLY+=("$(printf '%q' "$word")")
  done
  return 0
}

_asso_complete() {
  local current=${COMP_WORDS[COMP_CWORD]-}
  COMPREPLY=()
  case ${COMP_WORDS[0]} in
    asp)
      if ((COMP_CWORD == 1)); then
        _asso_load_profile_names
        _asso_compgen_from "$current" - ${_asso_profile_names[@]+"${_asso_profile_names[@]}"}
      elif ((COMP_CWORD == 2)); then
        _asso_compgen_from "$current" login logout
      fi
      ;;
    asr)
      if ((COMP_CWORD == 1)); then
        _asso_load_regions
        _asso_compgen_from "$current" ${_asso_regions[@]+"${_asso_regions[@]}"}
      fi
      ;;
    asso)
      if ((COMP_CWORD == 1)); then
        _asso_load_profile_names
        _asso_compgen_from "$current" login logout status profiles resolve regions populate \
          doctor demo ${_asso_profile_names[@]+"${_asso_profile_names[@]}"}
      fi
      ;;
  esac
  return 0
}

complete -F _asso_complete asp asr asso
