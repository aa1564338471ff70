"""The rights engine: does this API account have the rights an integration needs?

Nmbrs has two independent axes (Nmbrs support, "API User Template"): endpoint rights come from the API
user's template and are the same for every company; data scope belongs to the debtor/company.
So the engine probes rows once and columns once, in parts that are tested alone:

- :mod:`~nmbrs_client.rights.account`: credentials, domain, subscription, visible companies;
- :mod:`~nmbrs_client.rights.plan`: every required operation once on a company proven in
  scope (rows), one cheap call per company (columns);
- :mod:`~nmbrs_client.rights.discovery`: the employee and run ids those probes need, taken from
  the account's own answers;
- :mod:`~nmbrs_client.rights.matrix`: the pure rule row verdict × column verdict → cell;
- :mod:`~nmbrs_client.rights.thorough`: with ``thorough``, every other cell probed directly;
- :mod:`~nmbrs_client.rights.scheduler`: the bounded thread pool all calls go through.

That costs about ``required ops + companies + a few`` calls. Nothing is written, PDFs are
counted and discarded. This module wires the parts together and builds the report.
"""

from __future__ import annotations

import time
from typing import Any

from nmbrs_client.rights.account import AccountPhase, Reconnect
from nmbrs_client.rights.context import CheckContext
from nmbrs_client.rights.discovery import IdDiscovery
from nmbrs_client.rights.matrix import Matrix
from nmbrs_client.rights.plan import DefaultPlan
from nmbrs_client.rights.prober_base import ProberBase
from nmbrs_client.rights.protocol import (
    DEFAULT_OPTIONS,
    DEFAULT_TUNING,
    CheckOptions,
    ProbeTuning,
    RightsClient,
)
from nmbrs_client.rights.requirements import RequirementProfile
from nmbrs_client.rights.results import (
    CheckMode,
    Phase,
    RightsReport,
    Stage,
    StopReason,
)
from nmbrs_client.rights.scheduler import ProbeScheduler
from nmbrs_client.rights.thorough import ThoroughPlan

DEFAULT_CONCURRENCY = 12


class RightsEngine(ProberBase):
    """Check ``requirements`` against the account behind ``client``; see the module docstring.

    ``reconnect(domain)``, if given, returns a client for the same account with another
    domain; it is used when the saved domain turns out to be wrong, so the rest of the check
    can still run. ``on_event`` is called on the thread running :meth:`run`.
    """

    first_pause_s = 0.25

    def __init__(
        self,
        client: RightsClient,
        requirements: RequirementProfile,
        options: CheckOptions = DEFAULT_OPTIONS,
        tuning: ProbeTuning = DEFAULT_TUNING,
        *,
        reconnect: Reconnect | None = None,
    ) -> None:
        self.client = client
        self.requirements = requirements
        self.named_companies = list(dict.fromkeys(options.companies or ())) or None
        settings = client.settings
        super().__init__(
            options,
            tuning,
            (
                float(getattr(settings, "timeout_s", 30.0)),
                float(getattr(settings, "connect_timeout_s", 10.0)),
            ),
        )
        self.concurrency = max(
            1, int(options.concurrency or settings.concurrency or DEFAULT_CONCURRENCY)
        )
        # Without an explicit concurrency the calls in flight follow the latency the check
        # sees, so the limiter (not the pool) bounds it: at 100 ms a call takes ~120 ms, and
        # 12 in flight would hold a large account's column probes to 100 calls/s, below the
        # limiter's 120.
        self.adaptive = options.concurrency is None
        self.reconnect = reconnect

    def _rate(self) -> float | None:
        rate = getattr(self.client.settings, "rate_limit_per_s", None)
        return float(rate) if rate else None

    def run(self) -> RightsReport:
        """Run the whole check (blocking) and return the report; never raises for API trouble.

        The clock starts once the client is prepared (its services built, as connecting
        does in the dashboard), so the CLI, the dashboard and the bench time the same span.
        """
        self.client.prepare()
        started = time.perf_counter()
        checked_at = self.clock()
        saved_domain = self.client.settings.soap.domain
        matrix = Matrix(self.requirements.operations, self._emit)
        scheduler = ProbeScheduler(
            self.client,
            concurrency=self.concurrency,
            retries=self.retries,
            backoff_s=self.backoff_s,
            cancel_event=self.cancel_event,
            adapt_to_rate=self._rate() if self.adaptive else None,
            budget=self.new_budget(),
        )
        ctx = CheckContext(scheduler, matrix, checked_at.year, self._emit)
        account = AccountPhase(ctx, self.named_companies, self.reconnect)
        discovery = IdDiscovery(ctx)
        plan = DefaultPlan(ctx, discovery)
        with scheduler:
            self._emit(Phase(Stage.ACCOUNT, "credentials, domain, debtors and companies"))
            went_on = account.run(alongside=plan.prefetch_account_wide)
            if account.no_subscription:
                plan.mark_no_subscription()
                matrix.finish(self.cancel_event.is_set())
            elif went_on:
                self._emit(
                    Phase(
                        Stage.PROBES,
                        f"{len(matrix.required)} operations × {len(ctx.companies)} companies",
                    )
                )
                matrix.emit_settled = not self.thorough
                plan.start()
                scheduler.run_until_idle()
                if self.thorough and not self.cancel_event.is_set():
                    self._emit(Phase(Stage.THOROUGH, "probing every remaining cell"))
                    ThoroughPlan(ctx, discovery).start()
                    scheduler.run_until_idle()
                matrix.finish(self.cancel_event.is_set())
        stopped = account.stopped
        if self.cancel_event.is_set() and stopped is None:
            stopped = StopReason.CANCELLED
        report = RightsReport(
            checked_at=checked_at,
            environment=self._environment(scheduler.client, saved_domain),
            requirements=self.requirements,
            mode=CheckMode.THOROUGH if self.thorough else CheckMode.DEFAULT,
            concurrency=max(self.concurrency, scheduler.concurrency),
            account=list(account.results),
            companies=list(ctx.companies),
            cells=matrix.ordered(),
            calls=scheduler.calls,
            retries=scheduler.retried,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            stopped=stopped,
            notes=list(ctx.notes),
            right_domain=account.right_domain,
        )
        self._emit(
            Phase(
                stopped or Stage.DONE, f"{report.calls} calls in {report.elapsed_ms / 1000:.1f} s"
            )
        )
        return report

    @staticmethod
    def _environment(client: RightsClient, saved_domain: str | None) -> dict[str, Any]:
        from nmbrs_client.token_sources import env_override_note

        settings = client.settings
        return {
            "base_url": client.base_url,
            "host": client.host,
            "username": client.username,
            "domain": client.domain,
            "domain_source": client.domain_source,
            "saved_domain": saved_domain,
            "environment": settings.environment,
            "profile": settings.profile_name,
            "scenario": settings.scenario,
            "token_override": env_override_note(getattr(settings.soap, "token_source", None)),
        }
