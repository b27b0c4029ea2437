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
