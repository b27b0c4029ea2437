# shellcheck shell=bash
# asso for bash: `source /path/to/asso/asso.bash` in ~/.bashrc (also sheldon's default for a
# bash plugin named asso). The plugin itself lives in plugin/.
_asso_top=${BASH_SOURCE[0]%/*}
[[ $_asso_top == "${BASH_SOURCE[0]}" ]] && _asso_top=.
# shellcheck source=/dev/null
builtin source "$_asso_top/plugin/asso.bash"
unset _asso_top
