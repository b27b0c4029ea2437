# Settings are defaulted in generated.zsh (from asso.shell.facts); this file finds the helper.

# The helper, by absolute path (a PATH lookup may hit a slow pyenv shim):
# $ASSO_HELPER, else what install.sh recorded, else its default virtualenv, else PATH, once.
if [[ -z ${ASSO_HELPER-} ]]; then
  () {
    local REPLY data_dir
    _asso_user_dir data
    data_dir=$REPLY
    if [[ -r $data_dir/helper-path ]]; then
      typeset -g ASSO_HELPER=${"$(<$data_dir/helper-path)"%%$'\n'*}
    elif [[ -x $data_dir/venv/bin/asso ]]; then
      typeset -g ASSO_HELPER=$data_dir/venv/bin/asso
    elif (( ${+commands[asso]} )); then
      typeset -g ASSO_HELPER=${commands[asso]}
    fi
  }
fi
