# asso for zsh plugin managers: oh-my-zsh, zinit, antidote, zplug, antigen and sheldon look for
# <name>.plugin.zsh at the top of a repository. The plugin itself lives in plugin/.
'builtin' 'source' -- "${${(%):-%x}:A:h}/plugin/asso.plugin.zsh"
