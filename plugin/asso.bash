# shellcheck shell=bash
# asso: AWS profiles and IAM Identity Center sessions in bash (3.2 and later).
# Load with `source /path/to/asso.bash` in ~/.bashrc.

# Aliases are expanded when functions are parsed: turn alias expansion off while the plugin's
# files are read (so a user's alias named like a command used here cannot leak into them), then
# restore it. Until then command words are backslash-quoted, which alias expansion skips.
if \shopt -q expand_aliases; then _asso_had_aliases=1; else _asso_had_aliases=0; fi
\shopt -u expand_aliases
_asso_plugin_dir=${BASH_SOURCE[0]%/*}
[[ $_asso_plugin_dir == "${BASH_SOURCE[0]}" ]] && _asso_plugin_dir=.
[[ $_asso_plugin_dir == /* ]] || _asso_plugin_dir=$PWD/$_asso_plugin_dir
for _asso_part in bootstrap generated settings state table keys commands completion integrations profiles; do
  # shellcheck source=/dev/null
  builtin source "$_asso_plugin_dir/bash/$_asso_part.bash"
done
unset _asso_part
_asso_install_hooks
if [[ $_asso_had_aliases == 1 ]]; then
  unset _asso_had_aliases
  \shopt -s expand_aliases
else
  unset _asso_had_aliases
fi
