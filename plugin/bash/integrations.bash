# shellcheck shell=bash
# Integrations: production warning, starship export, and what `asso doctor` needs to know from
# the shell. Nothing here runs per prompt unless a setting asks for it (ASSO_EXPORT_PROMPT=1).
# The ASSO_* variables are this plugin's output, read by prompts; _asso_* come from state.bash.
# shellcheck disable=SC2034,SC2154

# -- production profiles ---------------------------------------------------------------------
# ASSO_PROD is 1 when the active profile (or its account name) matches ASSO_PROD_PATTERNS: the
# helper decides and the state loader copies its "prod" record (plugin/*/state.*).

# For `asp` after a successful switch: one line on stderr when the new profile is production.
_asso_prod_warning() {
  [[ $ASSO_PROD == 1 ]] || return 0
  local account=${ASSO_ACCOUNT_NAME:-$ASSO_ACCOUNT_ID} on='' off='' profile=$ASSO_PROFILE
  profile=${profile//[[:cntrl:]]/?} account=${account//[[:cntrl:]]/?}
  if [[ -t 2 && -z ${NO_COLOR-} ]]; then
    case ${ASSO_PROMPT_COLOR-} in
      0 | never | no | off | false) ;;
      *) on=$'\e[31m' off=$'\e[0m' ;;
    esac
  fi
  printf '%s\n' "${on}asso: $profile matches ASSO_PROD_PATTERNS: production account${account:+ ($account)}${off}" >&2
  return 0
}

# -- starship and other programs: ASSO_EXPORT_PROMPT=1 ------------------------------------------
# Exports ASSO_PROMPT, and ASSO_PROMPT_PROD / ASSO_PROMPT_NONPROD: one holds the segment, by
# whether the profile is production, so a prompt program can colour it without running anything.
# _asso_render (state.bash) fills them: no hook of its own. Starship appends its hook to
# PROMPT_COMMAND after asso's, so it sees the new values.
if [[ $ASSO_EXPORT_PROMPT == 1 ]]; then
  ASSO_PROMPT_PROD='' ASSO_PROMPT_NONPROD=''
  export ASSO_PROMPT ASSO_PROMPT_PROD ASSO_PROMPT_NONPROD
fi

# -- asso doctor ---------------------------------------------------------------------------------
# `asso doctor` through the shell: hands the helper what only the shell knows, for this one run.
_asso_doctor() {
  (($#)) || set -- "$_asso_cmd_doctor"
  if [[ -z ${ASSO_HELPER-} || ! -x $ASSO_HELPER ]]; then
    printf '%s\n' "✗ helper  ${ASSO_HELPER:-no helper found}: not an executable file" \
      "          fix: run install.sh, or set ASSO_HELPER to the helper's absolute path" >&2
    return 1
  fi
  local commands='' entry hook=_asso_prompt_command rest hooks=0
  # Count the hook's entries among PROMPT_COMMAND's (a string, or an array since bash 5.1).
  for entry in ${PROMPT_COMMAND[@]+"${PROMPT_COMMAND[@]}"}; do
    commands+=";$entry"
  done
  rest="${commands//[[:space:]]/};"
  while [[ $rest == *";$hook;"* ]]; do
    hooks=$((hooks + 1))
    rest=${rest/";$hook;"/;}
  done
  local asp_source='nowhere (asp is not defined)' where had_extdebug=0
  if declare -F asp >/dev/null; then
    shopt -q extdebug && had_extdebug=1
    shopt -s extdebug
    where=$(declare -F asp)
    ((had_extdebug)) || shopt -u extdebug
    asp_source=${where#asp [0-9]* }
    [[ $asp_source == "$_asso_plugin_dir/bash/commands.bash" ]] && asp_source=asso
  fi
  local uses=0
  if [[ -n ${STARSHIP_SHELL-} && $ASSO_EXPORT_PROMPT == 1 ]]; then
    uses='starship, exported'
  elif [[ ${PS1-} == *ASSO_PROMPT* || ${PS1-} == *asso_prompt_info* ]]; then
    uses=PS1
  fi
  ASSO_DOCTOR_SHELL=bash ASSO_DOCTOR_SHELL_VERSION=$BASH_VERSION ASSO_DOCTOR_HOOKS=$hooks \
    ASSO_DOCTOR_ASP=$asp_source ASSO_DOCTOR_PROMPT=$uses ASSO_DOCTOR_PLUGIN_DIR=$_asso_plugin_dir \
    ASSO_DOCTOR_HELPER=$ASSO_HELPER "$ASSO_HELPER" "$@"
}
