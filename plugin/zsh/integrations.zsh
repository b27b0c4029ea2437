# Integrations: production warning, starship export, powerlevel10k segment, the oh-my-zsh `aws`
# plugin's familiar names, and what `asso doctor` needs to know from the shell.
# Nothing here runs per prompt unless a setting asks for it (ASSO_EXPORT_PROMPT=1).

zmodload zsh/parameter 2>/dev/null # $functions_source

# -- production profiles ---------------------------------------------------------------------
# ASSO_PROD is 1 when the active profile (or its account name) matches ASSO_PROD_PATTERNS: the
# helper decides and the state loader copies its "prod" record (plugin/*/state.*).

# For `asp` after a successful switch: one line on stderr when the new profile is production.
_asso_prod_warning() {
  emulate -L zsh
  [[ $ASSO_PROD == 1 ]] || return 0
  local account=${ASSO_ACCOUNT_NAME:-$ASSO_ACCOUNT_ID} on= off=
  if [[ -t 2 && -z ${NO_COLOR-} && ${ASSO_PROMPT_COLOR-} != (0|never|no|off|false) ]]; then
    on=$'\e[31m' off=$'\e[0m'
  fi
  print -ru2 -- "${on}asso: ${(V)ASSO_PROFILE} matches ASSO_PROD_PATTERNS: production account${account:+ (${(V)account})}${off}"
  return 0
}

# -- starship and other programs: ASSO_EXPORT_PROMPT=1 ------------------------------------------
# Exports ASSO_PROMPT, and ASSO_PROMPT_PROD / ASSO_PROMPT_NONPROD: one holds the segment, by
# whether the profile is production, so a prompt program can colour it without running anything.
# _asso_render (state.zsh) fills them: no hook of its own.
if [[ $ASSO_EXPORT_PROMPT == 1 ]]; then
  typeset -g ASSO_PROMPT_PROD= ASSO_PROMPT_NONPROD=
  export ASSO_PROMPT ASSO_PROMPT_PROD ASSO_PROMPT_NONPROD
fi

# -- powerlevel10k -----------------------------------------------------------------------------
# POWERLEVEL9K_LEFT_PROMPT_ELEMENTS+=(asso). States: EXPIRED (log in needed), ERROR, PROD
# (ASSO_PROD_PATTERNS), a class from POWERLEVEL9K_ASSO_CLASSES (pattern/class pairs matched
# against the profile name, as POWERLEVEL9K_AWS_CLASSES), else DEFAULT. Style each with e.g.
# POWERLEVEL9K_ASSO_PROD_FOREGROUND. Reads the ASSO_* variables only: the helper never runs here.
if (( ! ${+functions[prompt_asso]} )) || [[ ${functions_source[prompt_asso]-} == "${(%):-%x}" ]]; then
  prompt_asso() {
    emulate -L zsh
    # p10k renders in its own precmd hook, maybe before ours: bring the state up to date first
    # (a no-op that forks nothing unless an input changed).
    _asso_refresh
    _asso_render
    [[ -n $ASSO_PROMPT ]] || return 0
    local text=$ASSO_PROMPT state= pat class fg=208
    # p10k colours by state: drop asso's own danger colour (one layer: the user's stays).
    if [[ $ASSO_PROD == 1 && $text == '%F{red}'*'%f' ]]; then
      text=${${text#'%F{red}'}%'%f'}
    fi
    if [[ $ASSO_TOKEN_STATE == (expired|missing) ]]; then
      state=EXPIRED fg=244
    elif [[ -n $ASSO_ERROR ]]; then
      state=ERROR fg=196
    elif [[ $ASSO_PROD == 1 ]]; then
      state=PROD fg=196
    else
      for pat class in "${POWERLEVEL9K_ASSO_CLASSES[@]}"; do
        if [[ $ASSO_PROFILE == ${~pat} ]]; then
          state=${(U)class}
          break
        fi
      done
      [[ -n $state ]] || state=DEFAULT
    fi
    p10k segment -s "$state" -r -i AWS_ICON -f "$fg" -t "$text"
  }
fi

# Instant prompt replays the `p10k segment` calls this made at the last prompt, before the
# plugin (or anything but the environment) exists; p10k requires those calls to be the same
# whatever the state. So: one fixed call whose condition and text p10k expands when it shows the
# instant prompt: the profile name from the environment. The first real prompt replaces it.
if (( ! ${+functions[instant_prompt_asso]} )) ||
  [[ ${functions_source[instant_prompt_asso]-} == "${(%):-%x}" ]]; then
  instant_prompt_asso() {
    emulate -L zsh
    p10k segment -s DEFAULT -r -i AWS_ICON -f 208 -c '${AWS_PROFILE:-$AWS_DEFAULT_PROFILE}' \
      -e -t '${${AWS_PROFILE:-$AWS_DEFAULT_PROFILE}//\%/%%}'
  }
fi

# -- oh-my-zsh `aws` plugin names ---------------------------------------------------------------
# agp, agr, aws_profiles, aws_regions and aws_prompt_info, for hands and themes used to them;
# defined only when oh-my-zsh's own aws plugin is not loaded (its functions are never replaced)
# and only under names nothing else took. They read the state; aws_prompt_info forks nothing
# itself (a theme's $(...) around it does).
typeset -g _asso_integrations_file=${(%):-%x}

_asso_omz_aws_loaded() {
  emulate -L zsh
  local name
  for name in aws_prompt_info agp agr acp aws_profiles aws_regions aws_change_access_key; do
    [[ ${functions_source[$name]-} == */plugins/aws/* ]] && return 0
  done
  return 1
}

# True when NAME is free, or is ours from an earlier load of this file.
_asso_name_free() {
  emulate -L zsh
  (( ! ${+functions[$1]} )) || [[ ${functions_source[$1]-} == "$_asso_integrations_file" ]]
}

if ! _asso_omz_aws_loaded; then
  if _asso_name_free agp; then
    agp() {
      emulate -L zsh
      print -r -- "${AWS_PROFILE-}"
    }
  fi
  if _asso_name_free agr; then
    agr() {
      emulate -L zsh
      _asso_refresh
      [[ -n $ASSO_REGION ]] || return 1
      print -r -- "$ASSO_REGION"
    }
  fi
  if _asso_name_free acp; then
    # oh-my-zsh's acp: a profile's keys into this shell (asp -x PROFILE); no argument clears.
    acp() {
      emulate -L zsh
      if [[ -z ${1-} ]]; then
        asp
      else
        asp -x "$1"
      fi
    }
  fi
  if _asso_name_free aws_profiles; then
    aws_profiles() {
      emulate -L zsh
      _asso_load_profile_names || return
      (( ! $#_asso_profile_names )) || print -rl -- "${_asso_profile_names[@]}"
    }
  fi
  if _asso_name_free aws_regions; then
    aws_regions() {
      emulate -L zsh
      _asso_load_regions
      (( ! $#_asso_regions )) || print -rl -- "${_asso_regions[@]}"
    }
  fi
  if _asso_name_free aws_prompt_info; then
    # oh-my-zsh's format: <aws:PROFILE> <region:REGION>, with its ZSH_THEME_AWS_* settings.
    aws_prompt_info() {
      emulate -L zsh
      [[ ${SHOW_AWS_PROMPT-} == false ]] && return 0
      _asso_refresh
      local out= region=${AWS_REGION:-${AWS_DEFAULT_REGION:-$ASSO_REGION}}
      if [[ -n ${AWS_PROFILE-} ]]; then
        out+="${ZSH_THEME_AWS_PROFILE_PREFIX-<aws:}${AWS_PROFILE//\%/%%}${ZSH_THEME_AWS_PROFILE_SUFFIX->}"
      fi
      if [[ -n $region ]]; then
        [[ -n $out ]] && out+=${ZSH_THEME_AWS_DIVIDER- }
        out+="${ZSH_THEME_AWS_REGION_PREFIX-<region:}${region//\%/%%}${ZSH_THEME_AWS_REGION_SUFFIX->}"
      fi
      print -r -- "$out"
    }
  fi
fi

# When oh-my-zsh's aws plugin loads after asso it replaces asp (and asr). Under a plugin manager
# (oh-my-zsh, antigen, zplug, zinit, antidote), this runs once at the first prompt, once every
# plugin has loaded: if asp or asr now comes from an aws plugin, it reloads asso's commands; then
# it removes itself. Loaded the other way round, asso's asp already won. `_asso_reclaim force`
# by hand takes asp back from anything. ASSO_RECLAIM=0 leaves a foreign asp alone.
_asso_reclaim() {
  local -i last_status=$?
  emulate -L zsh -o no_aliases
  autoload -Uz add-zsh-hook
  add-zsh-hook -d precmd _asso_reclaim
  [[ ${ASSO_RECLAIM-1} == 0 ]] && return last_status
  local ours=$_asso_plugin_dir/zsh/commands.zsh name source reload=0
  for name in asp asr asso; do
    source=${functions_source[$name]-}
    if (( ! ${+functions[$name]} )) || [[ $source == */plugins/aws/* ]] ||
      { [[ $# -gt 0 && $1 == force && $source != "$ours" ]] }; then
      reload=1
    fi
  done
  if (( reload )); then
    builtin source -- "$ours"
    (( ! ${+functions[compdef]} )) || compdef _asso asp asr asso
  fi
  return last_status
}

# Only where another plugin may load after asso: a plain `source` set-up gets no extra hook.
if (( ${+ZSH} || ${+ZSH_CUSTOM} || ${#plugins} || ${+ZPLUG_HOME} || ${+ZINIT} )) ||
  (( ${+functions[antigen]} || ${+functions[zplug]} || ${+functions[antidote]} )); then
  autoload -Uz add-zsh-hook
  add-zsh-hook precmd _asso_reclaim
fi

# -- asso doctor ---------------------------------------------------------------------------------
# `asso doctor` through the shell: hands the helper what only the shell knows, for this one run.
_asso_doctor() {
  emulate -L zsh
  (( $# )) || set -- "$_asso_cmd_doctor"
  if [[ -z ${ASSO_HELPER-} || ! -x $ASSO_HELPER ]]; then
    print -ru2 -- "✗ helper  ${ASSO_HELPER:-no helper found}: not an executable file"
    print -ru2 -- "          fix: run install.sh, or set ASSO_HELPER to the helper's absolute path"
    return 1
  fi
  local -a ours=(${(M)precmd_functions:#_asso_precmd})
  local hooks=$#ours
  local asp_source=${functions_source[asp]-}
  if [[ $asp_source == "$_asso_plugin_dir/zsh/commands.zsh" ]]; then
    asp_source=asso
  elif (( ! ${+functions[asp]} )); then
    asp_source='nowhere (asp is not defined)'
  fi
  local uses=0
  if (( ${POWERLEVEL9K_LEFT_PROMPT_ELEMENTS[(I)asso]} || ${POWERLEVEL9K_RIGHT_PROMPT_ELEMENTS[(I)asso]} )); then
    uses='powerlevel10k segment'
  elif [[ -n ${STARSHIP_SHELL-} && $ASSO_EXPORT_PROMPT == 1 ]]; then
    uses='starship, exported'
  elif [[ ${PROMPT-}${RPROMPT-} == *(ASSO_PROMPT|asso_prompt_info|aws_prompt_info)* ]]; then
    uses='PROMPT/RPROMPT'
  fi
  ASSO_DOCTOR_SHELL=zsh ASSO_DOCTOR_SHELL_VERSION=$ZSH_VERSION ASSO_DOCTOR_HOOKS=$hooks \
    ASSO_DOCTOR_ASP=$asp_source ASSO_DOCTOR_PROMPT=$uses ASSO_DOCTOR_PLUGIN_DIR=$_asso_plugin_dir \
    ASSO_DOCTOR_HELPER=$ASSO_HELPER "$ASSO_HELPER" "$@"
}
