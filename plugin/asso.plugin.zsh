# asso: AWS profiles and IAM Identity Center sessions in zsh.
# Load with `source /path/to/asso.plugin.zsh`, or as the oh-my-zsh / antigen / zplug / zinit plugin `asso`.

() {
  # no_aliases: a user's alias named like a command used here must not be expanded into the
  # functions as they are parsed.
  emulate -L zsh -o no_aliases
  typeset -g _asso_plugin_dir=${${(%):-%x}:A:h}
  # Under some loaders %x names the caller; fall back to the directory of this file by name.
  [[ -r $_asso_plugin_dir/zsh/state.zsh ]] || _asso_plugin_dir=${funcsourcetrace[1]%:*}
  [[ -r $_asso_plugin_dir/zsh/state.zsh ]] || _asso_plugin_dir=${0:A:h}
  local part
  for part in settings state commands completion; do
    builtin source -- "$_asso_plugin_dir/zsh/$part.zsh" || return
  done
  _asso_install_hooks
}
