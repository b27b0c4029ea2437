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
  done < <("$ASSO_HELPER" "$_asso_cmd_profiles" --completion 2>/dev/null)
  return 0
}

# A list the helper names for an option's value (`asso _choices KIND`: NUL-separated name,
# description pairs), the last one asked for, kept for the shell's lifetime (the lists change
# only with asso).
_asso_choices_kind='' _asso_choices=()
_asso_load_choices() {
  [[ $1 == "$_asso_choices_kind" ]] && ((${#_asso_choices[@]})) && return 0
  _asso_have_helper || return 1
  local name _
  _asso_choices=() _asso_choices_kind=$1
  while IFS='' read -r -d '' name && IFS='' read -r -d '' _; do
    _asso_choices+=("$name")
  done < <("$ASSO_HELPER" "$_asso_cmd_choices" "$1" 2>/dev/null)
  ((${#_asso_choices[@]}))
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
# options, "profile" when the argument is a profile, OPTION=KIND for the options that take a
# value; first the options of asso itself; see asso.cli.commands). bash 3.2 has no associative
# arrays: parallel arrays, the first entry (empty name) for asso itself.
_asso_reply=()
_asso_command_names=() _asso_command_options=() _asso_command_kinds=() _asso_command_values=()
_asso_load_commands() {
  ((${#_asso_command_names[@]})) && return 0
  _asso_have_helper || return 1
  local name options kind values
  while IFS='' read -r -d '' name && IFS='' read -r -d '' _ &&
    IFS='' read -r -d '' options && IFS='' read -r -d '' kind &&
    IFS='' read -r -d '' values; do
    _asso_command_names+=("$name")
    _asso_command_options+=("$options")
    _asso_command_kinds+=("$kind")
    _asso_command_values+=("$values")
  done < <("$ASSO_HELPER" "$_asso_cmd_commands" 2>/dev/null)
  ((${#_asso_command_names[@]}))
}

# REPLY: what completes the value of option $2 of `asso $1`: profile, region, a list's name
# (_asso_load_choices) or nothing. Fails when $2 is no option of $1 that takes a value.
_asso_option_value() {
  local i entry
  local -a entries
  [[ ${2-} == -* ]] && _asso_load_commands || return 1
  for ((i = 0; i < ${#_asso_command_names[@]}; i++)); do
    [[ ${_asso_command_names[i]} == "${1-}" ]] || continue
    read -r -a entries <<<"${_asso_command_values[i]}"
    for entry in ${entries[@]+"${entries[@]}"}; do
      [[ $entry == "$2="* ]] || continue
      REPLY=${entry#*=}
      return 0
    done
    return 1
  done
  return 1
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
  local current=${COMP_WORDS[COMP_CWORD]-} REPLY
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
      elif _asso_option_value "${COMP_WORDS[1]}" "${COMP_WORDS[COMP_CWORD - 1]}"; then
        # The value of an option: what the helper's command data says completes it.
        case $REPLY in
          profile)
            _asso_load_profile_names
            _asso_compgen_from "$current" ${_asso_profile_names[@]+"${_asso_profile_names[@]}"}
            ;;
          region)
            _asso_load_regions
            _asso_compgen_from "$current" ${_asso_regions[@]+"${_asso_regions[@]}"}
            ;;
          '') ;;
          *)
            _asso_load_choices "$REPLY"
            _asso_compgen_from "$current" ${_asso_choices[@]+"${_asso_choices[@]}"}
            ;;
        esac
      elif _asso_takes_profile "${COMP_WORDS[1]}" "$COMP_CWORD"; then
        _asso_load_profile_names
        _asso_compgen_from "$current" ${_asso_profile_names[@]+"${_asso_profile_names[@]}"}
      fi
      ;;
  esac
  return 0
}

complete -F _asso_complete asp asr asso
