# asso: AWS profiles and IAM Identity Center sessions in zsh.
# Load with `source /path/to/asso.plugin.zsh`, or as the oh-my-zsh / antigen / zplug / zinit plugin `asso`.

# This function body is parsed while the user's aliases are active, so every command word is
# quoted (quoted words are never alias-expanded). The files it sources are parsed under
# no_aliases, so a user's alias named like a command used there cannot leak into the functions.
'builtin' 'typeset' -g _asso_plugin_file=${(%):-%x}
() {
  'builtin' 'emulate' -L zsh -o no_aliases
  'builtin' 'typeset' -g _asso_plugin_dir=${_asso_plugin_file:A:h}
  'builtin' 'local' part
  for part in bootstrap generated settings state table keys commands completion integrations profiles; do
    'builtin' 'source' -- "$_asso_plugin_dir/zsh/$part.zsh" || 'builtin' 'return'
  done
  '_asso_install_hooks'
}
