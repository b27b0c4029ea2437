# The helper on first use: find it, offer to install it, and check that its version is the
# plugin's. Nothing here runs at start-up or in the prompt hook but the lookup below: the offer
# and the version check happen in the first `asso` or `asp` of an interactive shell.

typeset -g _asso_helper_checked= _asso_offered=

# A plugin inside an installed package (pip, pipx: `asso init`) uses the helper installed with
# it: PREFIX/lib/pythonX.Y/site-packages/asso/plugin -> PREFIX/bin/asso. Loaded before
# settings.zsh, which looks elsewhere only when ASSO_HELPER is still empty.
if [[ -z ${ASSO_HELPER-} && $_asso_plugin_dir == */lib/python*/(site|dist)-packages/asso/plugin &&
  -x ${_asso_plugin_dir%/lib/*}/bin/asso ]]; then
  typeset -g ASSO_HELPER=${_asso_plugin_dir%/lib/*}/bin/asso
fi

# REPLY: install.sh of the checkout this plugin was loaded from, or nothing (a package install).
_asso_install_script() {
  REPLY=${_asso_plugin_dir:h}/install.sh
  [[ -f $REPLY && -f ${_asso_plugin_dir:h}/pyproject.toml ]] || REPLY=
}

# REPLY: where install.sh records the helper's path and version (platformdirs' user data dir).
_asso_data_dir() {
  if [[ $OSTYPE == darwin* ]]; then
    REPLY="$HOME/Library/Application Support/asso"
  else
    REPLY="${XDG_DATA_HOME:-$HOME/.local/share}/asso"
  fi
}

# Run install.sh with one progress line per step, then use the helper it recorded.
_asso_run_install() {
  local script=$1 REPLY
  sh "$script" --no-hint </dev/null || {
    print -ru2 -- "asso: install.sh failed; run it yourself to see why: ${(qq)script}"
    return 1
  }
  _asso_data_dir
  [[ -r $REPLY/helper-path ]] && typeset -g ASSO_HELPER=${"$(<$REPLY/helper-path)"%%$'\n'*}
  [[ -n $ASSO_HELPER && -x $ASSO_HELPER ]] && _asso_key= _asso_regions=()
}

# Ask one question, answered by one keypress: y installs, anything else does not.
_asso_ask() {
  local reply
  read -q "reply?$1 [y/N] "
  local answer=$?
  print -u2
  return answer
}

# _asso_ensure_helper CMD: 0 when the helper can run CMD (after installing it, with consent).
_asso_ensure_helper() {
  # The usual case first, and cheap: asp is on a fast path.
  [[ -n $_asso_helper_checked && -n ${ASSO_HELPER-} && -x $ASSO_HELPER ]] && return 0
  emulate -L zsh
  local cmd=$1 REPLY script quoted
  _asso_install_script
  script=$REPLY
  quoted=${(qq)script}
  if [[ -n $ASSO_HELPER && -x $ASSO_HELPER ]]; then
    [[ -n $_asso_helper_checked ]] && return 0
    _asso_helper_checked=1
    [[ -o interactive ]] || return 0
    _asso_check_version "$cmd" "$script"
    return 0
  fi
  if [[ -z $script ]]; then
    print -ru2 -- "$cmd: the asso helper is not installed (reinstall asso with pip or pipx, or set ASSO_HELPER)"
    return 1
  fi
  if [[ -o interactive && -t 0 && -t 2 && -z $_asso_offered ]]; then
    _asso_offered=1
    print -ru2 -- "asso: the helper (the Python part of asso) is not installed yet."
    if _asso_ask "asso: install it now with $quoted?"; then
      _asso_run_install "$script" && { _asso_helper_checked=1; return 0 }
      return 1
    fi
  fi
  print -ru2 -- "$cmd: the asso helper is not installed: run $quoted"
  return 1
}

# Once per shell: a helper of another version than the plugin (a plugin manager updated one of
# them) is named, with the command that brings them in step, or upgraded with consent.
_asso_check_version() {
  local cmd=$1 script=$2 REPLY plugin_version helper_version='' recorded=''
  [[ -r $_asso_plugin_dir/VERSION ]] || return 0
  plugin_version=${"$(<$_asso_plugin_dir/VERSION)"%%$'\n'*}
  _asso_data_dir
  # install.sh records the version beside the path: reading it starts no process.
  [[ -r $REPLY/helper-path ]] && recorded=${"$(<$REPLY/helper-path)"%%$'\n'*}
  if [[ $recorded == "$ASSO_HELPER" && -r $REPLY/helper-version ]]; then
    helper_version=${"$(<$REPLY/helper-version)"%%$'\n'*}
  else
    helper_version=${"$("$ASSO_HELPER" --version 2>/dev/null)"#asso }
  fi
  [[ -z $helper_version || $helper_version == "$plugin_version" ]] && return 0
  if [[ -z $script ]]; then
    print -ru2 -- "asso: the helper is $helper_version but the plugin $plugin_version: upgrade asso with pip or pipx"
    return 0
  fi
  local quoted=${(qq)script}
  if [[ -t 0 && -t 2 ]] && _asso_ask "asso: the helper is $helper_version but the plugin $plugin_version. Upgrade it with $quoted?"; then
    _asso_run_install "$script"
    return 0
  fi
  print -ru2 -- "asso: the helper is $helper_version but the plugin $plugin_version: upgrade with $quoted"
  return 0
}
