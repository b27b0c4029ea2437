# shellcheck shell=bash
# Settings are defaulted in generated.bash (from asso.shell.facts); this file finds the helper.

# The helper, by absolute path (a PATH lookup may hit a slow pyenv shim):
# $ASSO_HELPER, else what install.sh recorded, else its default virtualenv, else PATH, once.
_asso_find_helper() {
  local REPLY data_dir line
  _asso_user_dir data
  data_dir=$REPLY
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
