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
  out=$("$ASSO_HELPER" profiles --names --null 2>/dev/null) || return 1
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
    out=$("$ASSO_HELPER" profiles --completion 2>/dev/null) || return 1
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

# asso console's service short names with what they open, once per shell (they change only
# with asso): name:description pairs for _describe, from `asso console --services`.
typeset -ga _asso_console_services
_asso_load_console_services() {
  emulate -L zsh
  (( $#_asso_console_services )) && return 0
  [[ -n $ASSO_HELPER && -x $ASSO_HELPER ]] || return 1
  local out
  out=$("$ASSO_HELPER" console --services 2>/dev/null) || return 1
  local -a pairs=("${(@0)out}")
  [[ -z ${pairs[-1]-} ]] && shift -p pairs
  local -i i
  for (( i = 1; i < $#pairs; i += 2 )); do
    _asso_console_services+=("${pairs[i]//:/\\:}:${pairs[i+1]}")
  done
  (( $#_asso_console_services ))
}

# The helper's commands, once per shell, from `asso _commands` (NUL-ended name, description,
# options, "profile" or "profile-first" for profile arguments; first asso's own options).
typeset -ga _asso_commands _asso_profile_commands _asso_profile_first_commands
typeset -gA _asso_command_options
_asso_load_commands() {
  emulate -L zsh
  (( $#_asso_commands )) && return 0
  [[ -n $ASSO_HELPER && -x $ASSO_HELPER ]] || return 1
  local out i
  out=$("$ASSO_HELPER" _commands 2>/dev/null) || return 1
  local -a fields=("${(@0)out}")
  [[ -z ${fields[-1]-} ]] && shift -p fields
  (( $#fields && $#fields % 4 == 0 )) || return 1
  _asso_command_options=() _asso_profile_commands=() _asso_profile_first_commands=()
  for (( i = 1; i < $#fields; i += 4 )); do
    _asso_command_options[${fields[i]:-_}]=$fields[i+2] # "_": asso itself
    [[ -z $fields[i] ]] && continue
    _asso_commands+=("${fields[i]//:/\\:}:$fields[i+1]")
    [[ $fields[i+3] == profile ]] && _asso_profile_commands+=("$fields[i]")
    [[ $fields[i+3] == profile-first ]] && _asso_profile_first_commands+=("$fields[i]")
  done
  return 0
}

# reply: the options of `asso [COMMAND]`.
_asso_options() {
  emulate -L zsh
  _asso_load_commands || return 1
  reply=(${=_asso_command_options[${1:-_}]-})
}
