# Completion: asp (profiles), asr (regions), asso (subcommands and profiles).

fpath=("$_asso_plugin_dir/zsh/functions" ${fpath:#$_asso_plugin_dir/zsh/functions})
# compinit may have run already (oh-my-zsh loads plugins after it); otherwise it finds _asso
# through fpath when it runs.
if (( ${+functions[compdef]} )); then
  autoload -Uz _asso
  compdef _asso asp asr asso
fi

# Profile names, NUL-separated from the helper; kept until the config or credentials change.
typeset -ga _asso_profile_names
typeset -g _asso_profile_names_key=
_asso_load_profile_names() {
  emulate -L zsh
  zmodload -F zsh/stat b:zstat 2>/dev/null
  local config=${AWS_CONFIG_FILE:-$HOME/.aws/config} creds=${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}
  local -a st
  local key=$config:$creds f
  for f in $config $creds; do
    if zstat -A st +mtime +size +inode -- $f 2>/dev/null; then key+=":${(j:,:)st}"; else key+=:-; fi
  done
  [[ $key == "$_asso_profile_names_key" ]] && return 0
  [[ -n $ASSO_HELPER && -x $ASSO_HELPER ]] || return 1
  local out
  out=$("$ASSO_HELPER" "$_asso_cmd_profiles" --names --null 2>/dev/null) || return 1
  _asso_profile_names=("${(@0)out}")
  [[ -z ${_asso_profile_names[-1]-} ]] && shift -p _asso_profile_names
  _asso_profile_names_key=$key
}

# Profiles with what they are (account, role, region, token state), grouped by SSO session:
# name, description, group triples from the profile table while it is current (no process),
# else from `asso profiles --completion` (which the helper caches on its files' stat).
_asso_describe_profiles() {
  emulate -L zsh
  (( ! ${+_comp_options} )) || setopt ${_comp_options[@]} # completion's options, for _describe
  local -a triples
  if _asso_table_names; then
    triples=("${_asso_tbl_names[@]}")
  else
    [[ -n $ASSO_HELPER && -x $ASSO_HELPER ]] || return 1
    local out
    out=$("$ASSO_HELPER" "$_asso_cmd_profiles" --completion 2>/dev/null) || return 1
    triples=("${(@0)out}")
    [[ -z ${triples[-1]-} ]] && shift -p triples
  fi
  (( $#triples && $#triples % 3 == 0 )) || return 1
  local -a specs
  local group=$triples[3] i
  local -i n=1 ret=1
  for (( i = 1; i <= $#triples + 1; i += 3 )); do
    if (( i > $#triples )) || [[ $triples[i+2] != "$group" ]]; then
      # The heading is prompt-expanded: a session named %F{red} must show as written.
      _describe -t asso-profiles-$n "${${(V)group}//\%/%%}" specs -J "asso-profiles-$n" && ret=0
      (( i > $#triples )) && break
      specs=() group=$triples[i+2]
      (( n++ ))
    fi
    specs+=("${triples[i]//:/\\:}:$triples[i+1]")
  done
  return ret
}

# A list the helper names for an option's value (`asso _choices KIND`: NUL-ended name,
# description pairs), the last one asked for, kept for the shell's lifetime (the lists change
# only with asso): name:description pairs for _describe.
typeset -g _asso_choices_kind=
typeset -ga _asso_choices
_asso_load_choices() {
  emulate -L zsh
  [[ $1 == "$_asso_choices_kind" ]] && (( $#_asso_choices )) && return 0
  [[ -n $ASSO_HELPER && -x $ASSO_HELPER ]] || return 1
  local out
  out=$("$ASSO_HELPER" "$_asso_cmd_choices" "$1" 2>/dev/null) || return 1
  local -a pairs=("${(@0)out}")
  [[ -z ${pairs[-1]-} ]] && shift -p pairs
  local -i i
  _asso_choices=() _asso_choices_kind=$1
  for (( i = 1; i < $#pairs; i += 2 )); do
    _asso_choices+=("${pairs[i]//:/\\:}:${pairs[i+1]}")
  done
  (( $#_asso_choices ))
}

# The helper's commands, once per shell, from `asso _commands` (NUL-ended name, description,
# options, "profile" or "profile-first" for profile arguments, OPTION=KIND for the options that
# take a value; first asso's own options). See asso.cli.commands.
typeset -ga _asso_commands _asso_profile_commands _asso_profile_first_commands
typeset -gA _asso_command_options _asso_command_values
_asso_load_commands() {
  emulate -L zsh
  (( $#_asso_commands )) && return 0
  [[ -n $ASSO_HELPER && -x $ASSO_HELPER ]] || return 1
  local out i
  out=$("$ASSO_HELPER" "$_asso_cmd_commands" 2>/dev/null) || return 1
  local -a fields=("${(@0)out}")
  [[ -z ${fields[-1]-} ]] && shift -p fields
  (( $#fields && $#fields % 5 == 0 )) || return 1
  _asso_command_options=() _asso_command_values=()
  _asso_profile_commands=() _asso_profile_first_commands=()
  for (( i = 1; i < $#fields; i += 5 )); do
    _asso_command_options[${fields[i]:-_}]=$fields[i+2] # "_": asso itself
    _asso_command_values[${fields[i]:-_}]=$fields[i+4]
    [[ -z $fields[i] ]] && continue
    _asso_commands+=("${fields[i]//:/\\:}:$fields[i+1]")
    [[ $fields[i+3] == profile ]] && _asso_profile_commands+=("$fields[i]")
    [[ $fields[i+3] == profile-first ]] && _asso_profile_first_commands+=("$fields[i]")
  done
  return 0
}

# REPLY: what completes the value of option $2 of `asso $1`: profile, region, a list's name
# (_asso_load_choices) or nothing. Fails when $2 is no option of $1 that takes a value.
_asso_option_value() {
  emulate -L zsh
  [[ $2 == -* ]] && _asso_load_commands || return 1
  local entry
  for entry in ${=_asso_command_values[${1:-_}]-}; do
    [[ $entry == "$2="* ]] || continue
    REPLY=${entry#*=}
    return 0
  done
  return 1
}

# reply: the options of `asso [COMMAND]`.
_asso_options() {
  emulate -L zsh
  _asso_load_commands || return 1
  reply=(${=_asso_command_options[${1:-_}]-})
}
