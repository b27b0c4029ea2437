"""50 shells render prompts while the token file is rewritten in a loop, by asso's writer and by
botocore's: no render may ever see a torn file (a torn read shows as state "missing")."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from ..conftest import AwsHome, plugin_for, sha1_hex, shell_command
from ..support.samples import ONE_PROFILE

CONFIG = ONE_PROFILE

WRITER = textwrap.dedent(
    """
    import sys, time
    from botocore.utils import JSONFileCache
    from asso.aws import tokens
    cache_dir, key, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    botocore_cache = JSONFileCache(cache_dir)
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
        token = {
            "startUrl": "https://d-1234567890.awsapps.com/start",
            "region": "us-east-1",
            "accessToken": "token-%d" % n,
            "expiresAt": tokens.format_time(time.time() + 3600 + n),
        }
        if n % 2:
            tokens.write_token(f"{cache_dir}/{key}.json", token)
        else:
            botocore_cache[key] = token  # botocore >= 1.42.11: temp file + os.replace
        time.sleep(0.05)
    print(n)
    """
)


def render_loop(shell: str, seconds: float) -> str:
    hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
    return f"""
source {str(plugin_for(shell))!r}
export AWS_PROFILE=p
end=$(( SECONDS + {int(seconds)} )) n=0
# At least twice, however loaded the machine: each render after a rewrite runs the helper.
while (( SECONDS < end || n < 2 )); do
  {hook}
  printf '%s\\n' "${{ASSO_TOKEN_STATE:-none}}"
  n=$(( n + 1 ))
  sleep 0.1
done
"""


def test_fifty_shells_never_see_a_torn_token(aws_home: AwsHome) -> None:
    aws_home.write_config(CONFIG)
    aws_home.write_token("s", expires_in=3600)
    seconds = 4
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(aws_home.sso_cache), sha1_hex("s"), str(seconds)],
        env=aws_home.env,
        stdout=subprocess.PIPE,
        text=True,
    )
    shells = []
    for i in range(50):
        shell = "zsh" if i % 2 else "bash"
        script = render_loop(shell, seconds)
        shells.append(
            subprocess.Popen(
                shell_command(shell, script),
                env=aws_home.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    deadline = time.monotonic() + 120
    outputs = []
    for process in shells:
        out, err = process.communicate(timeout=max(1, deadline - time.monotonic()))
        outputs.append((process.returncode, out, err))
    written = int(writer.communicate(timeout=30)[0])
    assert written > 20
    states = [line for _, out, _ in outputs for line in out.split()]
    assert all(code == 0 for code, _, _ in outputs)
    assert all(err == "" for _, _, err in outputs)
    # Every shell rendered repeatedly (each render after a rewrite runs the helper: 2 cores).
    assert all(len(out.split()) >= 2 for _, out, _ in outputs)
    assert set(states) == {"valid"}, {s: states.count(s) for s in set(states)}
    assert Path(aws_home.token_file("s")).read_text().startswith("{")
