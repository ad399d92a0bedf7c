"""Background work: a durable jobs table, run by a bounded in-process pool by default or by workers on
a real queue (Dramatiq on RabbitMQ) when ``AZS_BROKER_URL`` is set; the same job code in both."""

from azs_assistant.jobs.runner import Handler, JobContext, LocalPool, execute, run_claimed, worker_name
from azs_assistant.jobs.store import FINAL, STATUSES, Claim, JobCounts, JobLost, Jobs

__all__ = ["FINAL", "STATUSES", "Claim", "Handler", "JobContext", "JobCounts", "JobLost", "Jobs", "LocalPool",
           "execute", "run_claimed", "worker_name"]
