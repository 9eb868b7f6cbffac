"""MILD_ALLOWED_ORIGINS: the one allow-list of browser origins (chat_security.origins), how
scripts/serve_rasa.py hands it to Rasa instead of --cors "*", and the nginx map of the cluster."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from chat_security import origins
from scripts import serve_rasa

REPO = Path(__file__).resolve().parents[3]


def test_default_is_the_single_machine_pages():
    assert origins.allowed_origins({}) == ["http://localhost:8080", "http://127.0.0.1:8080"]
    assert origins.allowed_origins({"WEB_PORT": "9000"}) == ["http://localhost:9000", "http://127.0.0.1:9000"]


def test_list_is_normalized_as_browsers_send_origin():
    env = {origins.ENV: "HTTPS://www.Clinic.org:443/, http://127.0.0.1:8080  http://127.0.0.1:8080"}
    assert origins.allowed_origins(env) == ["https://www.clinic.org", "http://127.0.0.1:8080"]


@pytest.mark.parametrize(
    "bad",
    [
        "*",
        "https://clinic.org/chat",
        "clinic.org",
        "ftp://clinic.org",
        "http://clinic.org:0",
        "http://clinic.org:70000",
        "https://*.clinic.org",
    ],
)
def test_anything_but_an_origin_is_refused_with_its_name(bad):
    with pytest.raises(origins.BadOrigins, match=re.escape(repr(bad))):
        origins.allowed_origins({origins.ENV: f"https://ok.org {bad}"})


def test_is_allowed():
    allowed = ["https://www.clinic.org"]
    assert origins.is_allowed("https://www.clinic.org", allowed)
    assert origins.is_allowed("https://www.clinic.org:443", allowed)
    assert not origins.is_allowed("https://www.clinic.org.evil.example", allowed)
    assert not origins.is_allowed("http://www.clinic.org", allowed)
    assert not origins.is_allowed("null", allowed)
    assert not origins.is_allowed(None, allowed)


def _rasa_argv(monkeypatch, args, env):
    seen = {}
    import rasa.__main__ as rasa_main

    monkeypatch.setattr(rasa_main, "main", lambda: seen.setdefault("argv", list(__import__("sys").argv)))
    for key in (origins.ENV, "WEB_PORT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("RASA_AUTH_TOKEN", "t0ken")
    serve_rasa.main(args)
    return seen["argv"]


def test_serve_rasa_gives_rasa_the_allow_list_not_a_star(monkeypatch):
    argv = _rasa_argv(monkeypatch, ["--enable-api"], {origins.ENV: "https://www.clinic.org http://127.0.0.1:8080"})
    cors = argv[argv.index("--cors") + 1 : argv.index("--auth-token")]
    assert cors == ["https://www.clinic.org", "http://127.0.0.1:8080"]
    argv = _rasa_argv(monkeypatch, ["--enable-api"], {"WEB_PORT": "8080"})
    assert argv[argv.index("--cors") + 1 : argv.index("--auth-token")] == [
        "http://localhost:8080",
        "http://127.0.0.1:8080",
    ]


def test_serve_rasa_refuses_star_and_a_bad_list(monkeypatch):
    with pytest.raises(SystemExit, match="MILD_ALLOWED_ORIGINS"):
        _rasa_argv(monkeypatch, ["--enable-api", "--cors", "*"], {})
    with pytest.raises(SystemExit, match="not an origin"):
        _rasa_argv(monkeypatch, ["--enable-api"], {origins.ENV: "*"})


def test_run_script_no_longer_trusts_every_origin():
    assert '--cors "*"' not in (REPO / "scripts" / "run.sh").read_text()
    assert "MILD_ALLOWED_ORIGINS" in (REPO / "scripts" / "env.sh").read_text()


def _render_nginx(tmp_path, allowed):
    template = (REPO / "deploy" / "nginx.conf.template").read_text()
    env = {name: "1" for name in re.findall(r"\{\{([A-Z0-9_]+)\}\}", template)}
    env.update(
        {
            "USER_DIRECTIVE": "",
            "REAL_IP_DIRECTIVES": "",
            "RUN_DIR": str(tmp_path),
            "LOG_DIR": str(tmp_path),
            "NGINX_TMP": str(tmp_path),
            "TRUSTED_PROXIES": "127.0.0.1",
            "CHAT_RATE": "5r/s",
            "SOCKET_RATE": "10r/s",
            "ALLOWED_ORIGIN_MAP": origins.nginx_map_entries(allowed),
        }
    )
    ports = ("HTTP_PORT", "ACTIONS_GW_PORT", "RASA1_PORT", "RASA2_PORT", "ACTIONS1_PORT", "ACTIONS2_PORT", "WEB_PORT")
    env.update({port: str(20101 + i) for i, port in enumerate(ports)})
    return re.sub(r"\{\{([A-Z0-9_]+)\}\}", lambda m: env[m.group(1)], template)


def test_nginx_config_carries_the_same_allow_list(tmp_path):
    allowed = origins.parse("https://www.clinic.org http://127.0.0.1:8088")
    conf = _render_nginx(tmp_path, allowed)
    block = re.search(r"map \$http_origin \$mild_origin_allowed \{(.*?)\}", conf, re.S).group(1)
    assert re.findall(r'"([^"]+)" 1;', block) == allowed
    assert "default 0;" in block
    # every location that reaches Rasa refuses other origins
    for location in (
        "= /webhooks/rest/webhook",
        "^~ /webhooks/",
        "^~ /socket.io/",
        "= /model/parse",
        "~ ^/(version|status|domain|conversations)(/|$)",
    ):
        body = conf.split(f"location {location} {{", 1)[1].split("}", 1)[0]
        assert "if ($mild_origin_allowed = 0)" in body, location
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if nginx is None:
        return
    path = tmp_path / "nginx.conf"
    path.write_text(conf)
    result = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(path), "-e", str(tmp_path / "err.log")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
