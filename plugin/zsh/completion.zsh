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
      _describe -t asso-profiles-$n "$group" specs -J "asso-profiles-$n" && ret=0
      (( i > $#triples )) && break
      specs=() group=$triples[i+2]
      (( n++ ))
    fi
    specs+=("${triples[i]//:/\\:}:$triples[i+1]")
  done
  return ret
}

# `asso [COMMAND] --help`, once per shell and command: the subcommands and options offered are
# the ones this helper has.
typeset -gA _asso_help_cache
_asso_help() {
  emulate -L zsh
  local key=${1:-asso}
  if (( ! ${+_asso_help_cache[$key]} )); then
    [[ -n $ASSO_HELPER && -x $ASSO_HELPER ]] || return 1
    _asso_help_cache[$key]=$(COLUMNS=200 "$ASSO_HELPER" ${1:+"$1"} --help 2>/dev/null)
  fi
  reply=("${(@f)_asso_help_cache[$key]}")
}

# reply: the options in the usage line(s) of `asso [COMMAND] --help`.
_asso_options() {
  emulate -L zsh -o extended_glob
  _asso_help "$1" || return 1
  local -a words
  local line
  for line in "${reply[@]}"; do
    [[ -z $line ]] && break # the usage ends at the first blank line
    words+=(${=line})
  done
  words=(${words//[\[\]|]/})
  reply=(${(u)${(M)words:#-[a-zA-Z0-9-]##}})
  (( ! ${reply[(Ie)-h]} )) || reply+=(--help)
}

# reply: name:description for each subcommand in `asso --help`.
_asso_subcommands() {
  emulate -L zsh -o extended_glob
  _asso_help || return 1
  local -a out
  local line name
  local -i listing=0
  for line in "${reply[@]}"; do
    if [[ $line == '  COMMAND'* ]]; then
      listing=1
    elif (( listing )); then
      [[ $line == '    '[a-z]* ]] || break
      name=${${line##[[:space:]]#}%%[[:space:]]*}
      out+=("$name:${${line##[[:space:]]#$name}##[[:space:]]#}")
    fi
  done
  reply=($out)
  (( $#reply ))
}
