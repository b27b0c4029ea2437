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

# `asso [COMMAND] --help`, once per shell and command (bash 3.2 has no associative arrays: one
# variable per command), into _asso_reply as lines.
_asso_reply=()
_asso_help() {
  local name="_asso_help_${1//[^a-zA-Z0-9]/_}" text line
  if [[ -z ${!name+set} ]]; then
    _asso_have_helper || return 1
    text=$(COLUMNS=200 "$ASSO_HELPER" ${1:+"$1"} --help 2>/dev/null)
    printf -v "$name" '%s' "$text"
  fi
  _asso_reply=()
  while IFS='' read -r line; do
    _asso_reply+=("$line")
  done <<<"${!name}"
  return 0
}

# _asso_reply: the options in the usage line(s) of `asso [COMMAND] --help`.
_asso_options() {
  local line word
  local -a words=() found=()
  _asso_help "$1" || return 1
  for line in ${_asso_reply[@]+"${_asso_reply[@]}"}; do
    [[ -z $line ]] && break # the usage ends at the first blank line
    line=${line//[/ }
    line=${line//]/ }
    line=${line//|/ }
    read -r -a words <<<"$line"
    for word in ${words[@]+"${words[@]}"}; do
      [[ $word == -[a-zA-Z0-9-]* && $word != *[!a-zA-Z0-9-]* ]] && found+=("$word")
    done
  done
  [[ " ${found[*]-} " == *" -h "* ]] && found+=(--help)
  _asso_reply=(${found[@]+"${found[@]}"})
  return 0
}

# _asso_reply: the subcommand names in `asso --help`.
_asso_subcommands() {
  local line listing=0 name
  _asso_help '' || return 1
  local -a lines=(${_asso_reply[@]+"${_asso_reply[@]}"})
  _asso_reply=()
  for line in ${lines[@]+"${lines[@]}"}; do
    if [[ $line == '  COMMAND'* ]]; then
      listing=1
    elif ((listing)); then
      [[ $line == '    '[a-z]* ]] || break
      read -r name _ <<<"$line"
      _asso_reply+=("$name")
    fi
  done
  ((${#_asso_reply[@]}))
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
        if [[ $current == -* ]]; then
          _asso_options ''
          _asso_compgen_from "$current" ${_asso_reply[@]+"${_asso_reply[@]}"}
          return 0
        fi
        _asso_subcommands || _asso_reply=(login logout status profiles resolve regions populate doctor demo)
        _asso_load_profile_names
        _asso_compgen_from "$current" ${_asso_reply[@]+"${_asso_reply[@]}"} \
          ${_asso_profile_names[@]+"${_asso_profile_names[@]}"}
      elif [[ $current == -* ]]; then
        _asso_options "${COMP_WORDS[1]}"
        _asso_compgen_from "$current" ${_asso_reply[@]+"${_asso_reply[@]}"}
      elif [[ ${COMP_WORDS[COMP_CWORD - 1]} == --profile ]] ||
        [[ ${COMP_WORDS[1]} == login || ${COMP_WORDS[1]} == logout ]]; then
        _asso_load_profile_names
        _asso_compgen_from "$current" ${_asso_profile_names[@]+"${_asso_profile_names[@]}"}
      fi
      ;;
  esac
  return 0
}

complete -F _asso_complete asp asr asso
