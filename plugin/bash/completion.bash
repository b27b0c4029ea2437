# shellcheck shell=bash
# _asso_regions and _asso_load_regions live in commands.bash.
# shellcheck disable=SC2154
# Completion: asp (profiles), asr (regions), asso (subcommands and profiles).

_asso_profile_names=()
# Profile names: from the profile table while it is current (no process), else from
# `asso profiles --completion` (NUL-separated name, description, group), which the helper
# serves from its own cache keyed on the config's stat: ~15 ms for 5,000.
_asso_load_profile_names() {
  if _asso_table_names; then
    _asso_profile_names=(${_asso_tbl_names[@]+"${_asso_tbl_names[@]}"})
    return 0
  fi
  _asso_have_helper || return 1
  local name _
  _asso_profile_names=()
  while IFS='' read -r -d '' name && IFS='' read -r -d '' _ && IFS='' read -r -d '' _; do
    _asso_profile_names+=("$name") # bash shows no descriptions: skip them and the group
  done < <("$ASSO_HELPER" profiles --completion 2>/dev/null)
  return 0
}

# asso console's service short names, once per shell (they change only with asso), from
# `asso console --services` (NUL-separated name, description pairs).
_asso_console_services=()
_asso_load_console_services() {
  ((${#_asso_console_services[@]})) && return 0
  _asso_have_helper || return 1
  local name _
  while IFS='' read -r -d '' name && IFS='' read -r -d '' _; do
    _asso_console_services+=("$name")
  done < <("$ASSO_HELPER" console --services 2>/dev/null)
  ((${#_asso_console_services[@]}))
}

# Offer the words of an array that start with the current word, quoted for the command line.
_asso_compgen_from() {
  local current=$1 word quoted
  shift
  for word in "$@"; do
    if [[ $word == "$current"* ]]; then
      printf -v quoted '%q' "$word" # no subshell: one per word would fork thousands
      COMPREPLY+=("$quoted")
    fi
  done
  return 0
}

# The helper's commands, once per shell, from `asso _commands` (NUL-ended name, description,
# options, "profile" when the argument is a profile; first the options of asso itself). bash 3.2
# has no associative arrays: parallel arrays, the first entry (empty name) for asso itself.
_asso_reply=()
_asso_command_names=() _asso_command_options=() _asso_command_kinds=()
_asso_load_commands() {
  ((${#_asso_command_names[@]})) && return 0
  _asso_have_helper || return 1
  local name options kind
  while IFS='' read -r -d '' name && IFS='' read -r -d '' _ &&
    IFS='' read -r -d '' options && IFS='' read -r -d '' kind; do
    _asso_command_names+=("$name")
    _asso_command_options+=("$options")
    _asso_command_kinds+=("$kind")
  done < <("$ASSO_HELPER" _commands 2>/dev/null)
  ((${#_asso_command_names[@]}))
}

# _asso_reply: the options of `asso [COMMAND]` (no argument: of asso itself).
_asso_options() {
  local i
  _asso_reply=()
  _asso_load_commands || return 1
  for ((i = 0; i < ${#_asso_command_names[@]}; i++)); do
    if [[ ${_asso_command_names[i]} == "${1-}" ]]; then
      read -r -a _asso_reply <<<"${_asso_command_options[i]}"
      return 0
    fi
  done
  return 0
}

# _asso_reply: the command names.
_asso_subcommands() {
  local name
  _asso_reply=()
  _asso_load_commands || return 1
  for name in "${_asso_command_names[@]}"; do
    [[ -n $name ]] && _asso_reply+=("$name")
  done
  return 0
}

# True when the argument of command $1 at word $2 is a profile.
_asso_takes_profile() {
  local i kind
  _asso_load_commands || return 1
  for ((i = 1; i < ${#_asso_command_names[@]}; i++)); do
    [[ ${_asso_command_names[i]} == "${1-}" ]] || continue
    kind=${_asso_command_kinds[i]}
    [[ $kind == profile ]] && return 0
    [[ $kind == profile-first && ${2-} == 2 ]] && return 0
    return 1
  done
  return 1
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
        _asso_compgen_from "$current" "${_asso_asp_actions[@]}"
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
        if [[ $current == -* ]]; then
          _asso_options ''
          _asso_compgen_from "$current" ${_asso_reply[@]+"${_asso_reply[@]}"}
          return 0
        fi
        _asso_subcommands
        _asso_load_profile_names
        _asso_compgen_from "$current" ${_asso_reply[@]+"${_asso_reply[@]}"} \
          ${_asso_profile_names[@]+"${_asso_profile_names[@]}"}
      elif [[ $current == -* ]]; then
        _asso_options "${COMP_WORDS[1]}"
        _asso_compgen_from "$current" ${_asso_reply[@]+"${_asso_reply[@]}"}
      elif [[ ${COMP_WORDS[1]} == console && ${COMP_WORDS[COMP_CWORD - 1]} == --service ]]; then
        _asso_load_console_services
        _asso_compgen_from "$current" ${_asso_console_services[@]+"${_asso_console_services[@]}"}
      elif [[ ${COMP_WORDS[1]} == console && ${COMP_WORDS[COMP_CWORD - 1]} == --region ]]; then
        _asso_load_regions
        _asso_compgen_from "$current" ${_asso_regions[@]+"${_asso_regions[@]}"}
      elif [[ ${COMP_WORDS[1]} == console ]] &&
        [[ ${COMP_WORDS[COMP_CWORD - 1]} == --destination || ${COMP_WORDS[COMP_CWORD - 1]} == --browser ]]; then
        return 0
      elif [[ ${COMP_WORDS[COMP_CWORD - 1]} == --profile ]] ||
        _asso_takes_profile "${COMP_WORDS[1]}" "$COMP_CWORD"; then
        _asso_load_profile_names
        _asso_compgen_from "$current" ${_asso_profile_names[@]+"${_asso_profile_names[@]}"}
      fi
      ;;
  esac
  return 0
}

complete -F _asso_complete asp asr asso
