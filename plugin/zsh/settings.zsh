# User settings: each gets a default only when the user has not set it.

(( ${+ASSO_PROMPT_FORMAT} )) || typeset -g ASSO_PROMPT_FORMAT='{account}[/{role}][ {region}][ {time_left}]'
(( ${+ASSO_PROMPT_REGION} )) || typeset -g ASSO_PROMPT_REGION=env # env | always | never
(( ${+ASSO_AUTO_LOGIN} )) || typeset -g ASSO_AUTO_LOGIN=1
(( ${+ASSO_ASP_PICKER} )) || typeset -g ASSO_ASP_PICKER=0 # 1: `asp` alone opens the picker
(( ${+ASSO_REMEMBER_PROFILE} )) || typeset -g ASSO_REMEMBER_PROFILE=0 # 1: new shells restore it

# Where state files live: platformdirs' user state dir, as the helper computes it.
if (( ! ${+ASSO_STATE_DIR} )); then
  if [[ $OSTYPE == darwin* ]]; then
    typeset -g ASSO_STATE_DIR="$HOME/Library/Application Support/asso"
  else
    typeset -g ASSO_STATE_DIR="${XDG_STATE_HOME:-$HOME/.local/state}/asso"
  fi
fi

# The helper, by absolute path (a PATH lookup may hit a slow pyenv shim):
# $ASSO_HELPER, else what install.sh recorded, else its default virtualenv, else PATH, once.
if [[ -z ${ASSO_HELPER-} ]]; then
  () {
    local data_dir
    if [[ $OSTYPE == darwin* ]]; then
      data_dir="$HOME/Library/Application Support/asso"
    else
      data_dir="${XDG_DATA_HOME:-$HOME/.local/share}/asso"
    fi
    if [[ -r $data_dir/helper-path ]]; then
      typeset -g ASSO_HELPER=${"$(<$data_dir/helper-path)"%%$'\n'*}
    elif [[ -x $data_dir/venv/bin/asso ]]; then
      typeset -g ASSO_HELPER=$data_dir/venv/bin/asso
    elif (( ${+commands[asso]} )); then
      typeset -g ASSO_HELPER=${commands[asso]}
    fi
  }
fi
