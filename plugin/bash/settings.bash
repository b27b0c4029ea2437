# shellcheck shell=bash
# User settings: each gets a default only when the user has not set it.

[[ -n ${ASSO_PROMPT_FORMAT+set} ]] || ASSO_PROMPT_FORMAT='{account}[/{role}][ {region}][ {time_left}]'
[[ -n ${ASSO_PROMPT_REGION+set} ]] || ASSO_PROMPT_REGION='env' # env | always | never
[[ -n ${ASSO_AUTO_LOGIN+set} ]] || ASSO_AUTO_LOGIN=1
[[ -n ${ASSO_ASP_PICKER+set} ]] || ASSO_ASP_PICKER=0             # 1: `asp` alone opens the picker
[[ -n ${ASSO_REMEMBER_PROFILE+set} ]] || ASSO_REMEMBER_PROFILE=0 # 1: new shells restore it

# Where state files live: platformdirs' user state dir, as the helper computes it.
if [[ -z ${ASSO_STATE_DIR+set} ]]; then
  if [[ ${OSTYPE-} == darwin* ]]; then
    ASSO_STATE_DIR="${HOME-}/Library/Application Support/asso"
  else
    ASSO_STATE_DIR="${XDG_STATE_HOME:-${HOME-}/.local/state}/asso"
  fi
fi

# The helper, by absolute path (a PATH lookup may hit a slow pyenv shim):
# $ASSO_HELPER, else what install.sh recorded, else its default virtualenv, else PATH, once.
_asso_find_helper() {
  local data_dir line
  if [[ ${OSTYPE-} == darwin* ]]; then
    data_dir="${HOME-}/Library/Application Support/asso"
  else
    data_dir="${XDG_DATA_HOME:-${HOME-}/.local/share}/asso"
  fi
  if [[ -r $data_dir/helper-path ]] && IFS='' read -r line <"$data_dir/helper-path"; then
    ASSO_HELPER=$line
  elif [[ -x $data_dir/venv/bin/asso ]]; then
    ASSO_HELPER=$data_dir/venv/bin/asso
  else
    ASSO_HELPER=$(type -P asso 2>/dev/null) || ASSO_HELPER=''
  fi
  return 0
}
[[ -n ${ASSO_HELPER-} ]] || _asso_find_helper
