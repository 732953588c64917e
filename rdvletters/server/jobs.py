"""Work done after the answer: timestamps on receipt, and the daily retention pass.

A single worker thread takes jobs from a queue. A timestamp job carries the case
key in memory only (it came with the request that received the proof); if the
server stops before the job ran, or no authority answered, the case stays in
``stamp_pending`` and the next request that opens the case schedules it again.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from ..case import Case
from ..frdates import now_paris
from ..i18n import N_
from . import audit, retention
from .registry import ServerContext
from .stamping import stamp

Job = Callable[[], None]


class Jobs:
    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self.queue: queue.Queue[Job | None] = queue.Queue()
        self.scheduled: set[str] = set()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="rdvletters-jobs", daemon=True)
        self.idle = threading.Event()
        self.idle.set()
        self.pending_reminders = False

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.queue.put(None)
        self.thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                return
            try:
                job()
            except Exception:  # noqa: BLE001 - a failed job must not stop the worker
                audit.log(self.ctx.store, audit.SYSTEM_ACTOR, None, N_("tâche en échec"))
            finally:
                if self.queue.empty():
                    self.idle.set()

    def wait(self, timeout: float = 60) -> bool:
        """Until every job queued so far is done (tests and benchmarks)."""
        return self.idle.wait(timeout)

    def _submit(self, job: Job) -> None:
        self.idle.clear()
        self.queue.put(job)

    # --- timestamps ----------------------------------------------------------------
    def stamp_after_receipt(self, case_id: str, key: bytes) -> None:
        if not self.ctx.config.authorities:
            return
        with self.ctx.store.transaction() as tx:
            tx.run(
                "INSERT OR IGNORE INTO stamp_pending (case_id, since) VALUES (:c, :s)",
                c=case_id,
                s=now_paris().isoformat(timespec="seconds"),
            )
        with self.lock:
            if case_id in self.scheduled:
                return
            self.scheduled.add(case_id)
        self._submit(lambda: self._stamp(case_id, key))

    def retry_pending(self, case_id: str, key: bytes) -> None:
        with self.ctx.store.transaction(write=False) as tx:
            pending = tx.one("SELECT 1 AS x FROM stamp_pending WHERE case_id = :c", c=case_id)
        if pending:
            self.stamp_after_receipt(case_id, key)

    def _stamp(self, case_id: str, key: bytes) -> None:
        with self.lock:
            self.scheduled.discard(case_id)
        vault = self.ctx.vault
        with vault.locked(case_id):
            if not vault.exists(case_id):
                return
            with vault.checkout(case_id, key) as root:
                done = stamp(Case(root), self.ctx.config)
        if done:
            with self.ctx.store.transaction() as tx:
                tx.run("DELETE FROM stamp_pending WHERE case_id = :c", c=case_id)
                audit.record(tx, audit.SYSTEM_ACTOR, case_id, N_("journal horodaté"))

    # --- reminders ---------------------------------------------------------------------
    def reminders_pass(self) -> None:
        if not self.pending_reminders:
            self.pending_reminders = True
            self._submit(self._reminders)

    def _reminders(self) -> None:
        from .reminders_send import send_due

        self.pending_reminders = False
        send_due(self.ctx)

    # --- retention -------------------------------------------------------------------
    def retention_pass(self) -> None:
        self._submit(lambda: retention.run(self.ctx))
